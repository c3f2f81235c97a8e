import { Type } from "class-transformer"
import { IsString, ValidateNested } from "class-validator"
import { MessageCreate, OrchestratorCreate, UserCreate, ValidationError, parseDto } from "../../src"
import { issuesOf } from "./dto-spec"

const ID = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"

describe("parseDto", () => {
  it("returns a typed instance of the class", async () => {
    const create = await parseDto(OrchestratorCreate, {
      type: "software",
      name: "Acme",
      userId: ID,
    })
    expect(create).toBeInstanceOf(OrchestratorCreate)
    expect(create.name).toBe("Acme")
  })

  it("throws one ValidationError listing every bad property with its reasons", async () => {
    const error = await parseDto(OrchestratorCreate, {
      type: 7,
      name: "n".repeat(33),
      userId: "nope",
      extra: true,
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ValidationError)
    const { issues, message } = error as ValidationError
    expect(issues).toEqual([
      { property: "OrchestratorCreate.extra", reasons: ["property extra should not exist"] },
      { property: "OrchestratorCreate.type", reasons: ["type must be a string"] },
      {
        property: "OrchestratorCreate.name",
        reasons: ["name must be shorter than or equal to 32 characters"],
      },
      { property: "OrchestratorCreate.userId", reasons: ["userId must be a UUID"] },
    ])
    for (const issue of issues) expect(message).toContain(issue.property)
  })

  it("does not convert types: a number as text stays text and fails", async () => {
    expect(
      await issuesOf(MessageCreate, {
        type: "textmessage",
        content: "{}",
        projectId: ID,
        userId: ID,
        status: 1,
      }),
    ).toEqual([{ property: "MessageCreate.status", reasons: ["status must be a string"] }])
  })

  it("validates an instance of the class as it is, and returns the same instance", async () => {
    const create = Object.assign(new UserCreate(), { email: "ada@example.com" })
    await expect(parseDto(UserCreate, create)).resolves.toBe(create)
    create.email = "not an email"
    expect((await issuesOf(UserCreate, create)).map((issue) => issue.property)).toEqual([
      "UserCreate.email",
    ])
  })

  it("refuses an instance of another class carrying properties the class does not have", async () => {
    const other = Object.assign(new OrchestratorCreate(), {
      type: "software",
      name: "A",
      userId: ID,
    })
    expect((await issuesOf(UserCreate, other)).map((issue) => issue.property).sort()).toEqual([
      "UserCreate.email",
      "UserCreate.name",
      "UserCreate.type",
      "UserCreate.userId",
    ])
  })

  it("refuses __proto__, constructor and prototype keys at any depth, together with the other issues", async () => {
    const input: unknown = JSON.parse(
      '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},' +
        '"prototype":1,"email":{"nested":{"__proto__":{"isAdmin":true}}},"firstName":5}',
    )
    const issues = await issuesOf(UserCreate, input)
    expect(issues.map((issue) => issue.property)).toEqual([
      "UserCreate.__proto__",
      "UserCreate.constructor",
      "UserCreate.prototype",
      "UserCreate.email.nested.__proto__",
      "UserCreate.firstName",
      "UserCreate.email",
    ])
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
    expect((UserCreate.prototype as unknown as Record<string, unknown>).isAdmin).toBeUndefined()
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "isAdmin")).toBe(false)
  })

  it("refuses unknown keys named after Object.prototype members, which class-transformer skips", async () => {
    const issues = await issuesOf(UserCreate, {
      email: "ada@example.com",
      toString: "x",
      hasOwnProperty: 1,
    })
    expect(issues).toEqual([
      { property: "UserCreate.toString", reasons: ["property toString should not exist"] },
      {
        property: "UserCreate.hasOwnProperty",
        reasons: ["property hasOwnProperty should not exist"],
      },
    ])
  })

  it("refuses input nested deeper than any DTO needs, without walking all of it", async () => {
    let deep: Record<string, unknown> = {}
    const input = { email: "ada@example.com", firstName: deep }
    for (let i = 0; i < 100; i += 1) {
      const next = {}
      deep.next = next
      deep = next
    }
    const issues = await issuesOf(UserCreate, input)
    expect(issues.some((issue) => /nested more than/.test(issue.reasons.join()))).toBe(true)
    expect(issues.map((issue) => issue.property)).toContain("UserCreate.firstName")
  })

  it("refuses a class without any validation metadata instead of accepting anything", async () => {
    class Undecorated {
      name?: string
    }
    expect(await issuesOf(Undecorated, {})).toEqual([
      {
        property: "Undecorated",
        reasons: ["an unknown value was passed to the validate function"],
      },
    ])
  })

  it("names the properties of nested DTOs with dotted paths", async () => {
    class Inner {
      @IsString()
      label!: string
    }
    class Outer {
      @ValidateNested()
      @Type(() => Inner)
      inner!: Inner
    }
    expect(await issuesOf(Outer, { inner: { label: 5, color: "red" } })).toEqual([
      { property: "Outer.inner.color", reasons: ["property color should not exist"] },
      { property: "Outer.inner.label", reasons: ["label must be a string"] },
    ])
    const parsed = await parseDto(Outer, { inner: { label: "ok" } })
    expect(parsed.inner).toBeInstanceOf(Inner)
  })
})
