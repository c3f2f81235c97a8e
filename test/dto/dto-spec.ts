import { ValidationError, type ValidationIssue, parseDto } from "../../src"

/** What one DTO class accepts, for the checks every DTO must pass. */
export interface DtoSpec {
  /** A complete, valid input. */
  readonly valid: Record<string, unknown>
  /** Properties that must be present. */
  readonly required?: readonly string[]
  /** String properties with a character limit, and a valid value of exactly `n` characters. */
  readonly lengths?: Readonly<Record<string, readonly [number, (n: number) => string]>>
  /** Properties that must hold a UUID. */
  readonly uuids?: readonly string[]
  /** String properties: a NUL character and a number are refused. */
  readonly strings?: readonly string[]
  /** Properties an Update must refuse (they cannot change), with a value that is well formed. */
  readonly forbidden?: Readonly<Record<string, unknown>>
}

/** The issues `parseDto` reports for `input`, or [] when it accepts it. */
export async function issuesOf(
  Dto: new () => object,
  input: unknown,
): Promise<readonly ValidationIssue[]> {
  try {
    await parseDto(Dto, input)
    return []
  } catch (error) {
    if (error instanceof ValidationError) return error.issues
    throw error
  }
}

/** The properties named by the issues of `input`. */
export async function badProperties(Dto: new () => object, input: unknown): Promise<string[]> {
  return (await issuesOf(Dto, input)).map((issue) => issue.property)
}

/** The common checks of a DTO class, as `it`s inside the current `describe`. */
export function itChecksLikeADto(Dto: new () => object, spec: DtoSpec): void {
  const name = Dto.name
  const valid = spec.valid

  it("accepts a valid input and returns an instance of the class with its values", async () => {
    const parsed = await parseDto(Dto, { ...valid })
    expect(parsed).toBeInstanceOf(Dto)
    expect({ ...parsed }).toEqual(valid)
  })

  for (const property of spec.required ?? []) {
    it(`refuses an input without ${property}, naming ${name}.${property}`, async () => {
      const input: Record<string, unknown> = { ...valid }
      delete input[property]
      expect(await badProperties(Dto, input)).toEqual([`${name}.${property}`])
    })
  }

  for (const [property, [limit, make]] of Object.entries(spec.lengths ?? {})) {
    it(`accepts ${property} of ${limit} characters and refuses ${limit + 1}`, async () => {
      const exact = make(limit)
      expect([...exact]).toHaveLength(limit)
      expect(await badProperties(Dto, { ...valid, [property]: exact })).toEqual([])
      const over = make(limit + 1)
      const issues = await issuesOf(Dto, { ...valid, [property]: over })
      expect(issues.map((issue) => issue.property)).toEqual([`${name}.${property}`])
      expect(issues[0]!.reasons.join(" ")).toMatch(new RegExp(`${limit} characters`))
    })
  }

  for (const property of spec.uuids ?? []) {
    it(`refuses a ${property} that is not a UUID`, async () => {
      for (const bad of ["not-a-uuid", "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c1", 42]) {
        expect(await badProperties(Dto, { ...valid, [property]: bad })).toEqual([
          `${name}.${property}`,
        ])
      }
    })
  }

  for (const property of spec.strings ?? []) {
    it(`refuses a ${property} holding a NUL character or a number`, async () => {
      const value = valid[property]
      const base = typeof value === "string" ? value : "x"
      const withNul = base.length > 1 ? `${base.slice(0, 1)}\u0000${base.slice(2)}` : "\u0000"
      const nul = await issuesOf(Dto, { ...valid, [property]: withNul })
      expect(nul.map((issue) => issue.property)).toEqual([`${name}.${property}`])
      expect(nul[0]!.reasons.join(" ")).toMatch(/NUL/)
      const number = await issuesOf(Dto, { ...valid, [property]: 42 })
      expect(number.map((issue) => issue.property)).toEqual([`${name}.${property}`])
      expect(number[0]!.reasons).toEqual([`${property} must be a string`])
    })
  }

  it("refuses an unknown property, naming it", async () => {
    expect(await badProperties(Dto, { ...valid, nickname: "x" })).toEqual([`${name}.nickname`])
  })

  for (const [property, value] of Object.entries(spec.forbidden ?? {})) {
    it(`refuses ${property}, which cannot change`, async () => {
      const issues = await issuesOf(Dto, { ...valid, [property]: value })
      expect(issues).toEqual([
        { property: `${name}.${property}`, reasons: [`property ${property} should not exist`] },
      ])
    })
  }

  it("refuses a __proto__ key without touching any prototype", async () => {
    const input: unknown = JSON.parse(
      JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"polluted":true},'),
    )
    expect(await badProperties(Dto, input)).toEqual([`${name}.__proto__`])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((Dto.prototype as Record<string, unknown>).polluted).toBeUndefined()
  })

  it("refuses input that is not an object", async () => {
    for (const bad of [null, [valid], "text", 42, undefined]) {
      expect(await badProperties(Dto, bad)).toEqual([name])
    }
  })
}
