import { Type } from "class-transformer"
import {
  IsOptional,
  IsString,
  ValidateNested,
  registerDecorator,
  validate,
  type ValidatorOptions,
} from "class-validator"
import fc from "fast-check"
import { MESSAGE_STATUSES, MessageCreate, UserCreate, parseDto } from "../../src"
import { checksPass } from "../../src/dto/checks-pass"
import { issuesOf } from "./dto-spec"

// parseDto's options: checksPass must agree with class-validator under them.
const OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
}

const ID = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"

async function classValidatorAccepts(instance: object): Promise<boolean> {
  return (await validate(instance, OPTIONS)).length === 0
}

function message(fields: Record<string, unknown>): MessageCreate {
  return Object.assign(new MessageCreate(), fields)
}

const VALID_MESSAGE = {
  type: "textmessage",
  content: JSON.stringify({ text: "Hello" }),
  projectId: ID,
  userId: ID,
}

// Any value a property may hold: valid ones and the faults each check looks for.
const anyValue = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    "",
    "textmessage",
    "working",
    "finished",
    ID,
    ID.toUpperCase(),
    "not-a-uuid",
    "{}",
    "[1]",
    '"text"',
    "{",
    "a\u0000b",
    "\ud800",
    "x".repeat(65),
    0,
    true,
    [],
    {},
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.uuid(),
)

describe("checksPass", () => {
  it("passes valid instances, with optional properties left out or null", async () => {
    const instances = [
      message(VALID_MESSAGE),
      message({ ...VALID_MESSAGE, prompt: null, status: "finished" }),
      message({ ...VALID_MESSAGE, userId: null, operatorId: ID }),
      Object.assign(new UserCreate(), { email: "a@example.com", firstName: null }),
    ]
    for (const instance of instances) {
      expect(checksPass(instance)).toBe(true)
      expect(await classValidatorAccepts(instance)).toBe(true)
    }
  })

  it("fails an instance whenever class-validator finds a fault", async () => {
    const faults: Record<string, unknown>[] = [
      { type: undefined },
      { type: "" },
      { type: 7 },
      { content: "{" },
      { content: "3" },
      { prompt: 5 },
      { status: null },
      { status: "sleeping" },
      { projectId: "nope" },
      { userId: undefined },
      { operatorId: ID },
      { type: "a\u0000b" },
      { extra: true },
    ]
    for (const fault of faults) {
      const instance = message({ ...VALID_MESSAGE, ...fault })
      expect(checksPass(instance)).toBe(false)
      expect(await classValidatorAccepts(instance)).toBe(false)
    }
  })

  it("answers as class-validator does for any values of a message's properties", async () => {
    const fields = ["type", "content", "prompt", "status", "projectId", "userId", "operatorId"]
    const statuses = fc.constantFrom<unknown>(...MESSAGE_STATUSES)
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          type: anyValue,
          content: anyValue,
          prompt: anyValue,
          status: fc.oneof(anyValue, statuses),
          projectId: anyValue,
          userId: anyValue,
          operatorId: anyValue,
        }),
        fc.subarray(fields),
        async (values, present) => {
          const instance = message(
            Object.fromEntries(present.map((field) => [field, values[field as "type"]])),
          )
          expect(checksPass(instance)).toBe(await classValidatorAccepts(instance))
        },
      ),
      { numRuns: 300 },
    )
  })

  it("leaves an asynchronous check to class-validator, which runs it once", async () => {
    let calls = 0
    class Slow {
      @IsString() name!: string
    }
    registerDecorator({
      name: "slowlyAccepted",
      target: Slow,
      propertyName: "name",
      async: true,
      validator: {
        validate: async () => {
          calls += 1
          await Promise.resolve()
          return true
        },
      },
    })
    const instance = Object.assign(new Slow(), { name: "a" })
    expect(checksPass(instance)).toBe(false)
    expect(calls).toBe(0)
    expect(await issuesOf(Slow, instance)).toEqual([])
    expect(calls).toBe(1)
  })

  it("leaves nested validation to class-validator, which still reports the nested fault", async () => {
    class Inner {
      @IsString() text!: string
    }
    class Outer {
      @ValidateNested() @Type(() => Inner) inner!: Inner
    }
    expect(checksPass(Object.assign(new Outer(), { inner: { text: "a" } }))).toBe(false)
    expect(await issuesOf(Outer, { inner: { text: 5 } })).toEqual([
      { property: "Outer.inner.text", reasons: ["text must be a string"] },
    ])
  })

  it("fails an instance of a class without checks, which class-validator refuses", async () => {
    class Bare {}
    expect(checksPass(new Bare())).toBe(false)
    expect(await classValidatorAccepts(new Bare())).toBe(false)
  })

  it("runs every condition of a property, as class-validator does", async () => {
    let conditions = 0
    class Twice {
      @IsOptional()
      @IsOptional()
      @IsString()
      name?: string | null
    }
    const counting = Object.assign(new Twice(), {})
    Object.defineProperty(counting, "name", {
      get: () => {
        conditions += 1
        return null
      },
    })
    expect(checksPass(counting)).toBe(true)
    // Read once for the property, then once by each IsOptional.
    expect(conditions).toBe(3)
    expect((await parseDto(Twice, Object.assign(new Twice(), { name: null }))).name).toBeNull()
  })
})
