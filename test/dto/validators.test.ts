import { IsString, IsUUID } from "class-validator"
import { MaxLength as ClassValidatorMaxLength } from "class-validator"
import { ExactlyOneOf, IsOptionalNotNull, MaxUtf8Bytes, StorableText, WHEN_SET } from "../../src"
import { MaxLength, codePoints, fitsUtf8Bytes } from "../../src/dto/validators"
import { issuesOf } from "./dto-spec"

class Note {
  @StorableText()
  @MaxUtf8Bytes(4)
  text!: unknown
}

class Rename {
  @IsOptionalNotNull()
  @IsString()
  name?: unknown
}

const A = "019d6f0c-5b2a-7c3e-9a41-8f0e2d7b6c15"

class Pick3 {
  @ExactlyOneOf(["a", "b", "c"])
  @IsUUID(undefined, WHEN_SET)
  a?: string | null

  @ExactlyOneOf(["a", "b", "c"])
  @IsUUID(undefined, WHEN_SET)
  b?: string | null

  @ExactlyOneOf(["a", "b", "c"])
  @IsUUID(undefined, WHEN_SET)
  c?: string | null
}

class Short {
  @MaxLength(4)
  name!: unknown
}

class LibraryShort {
  @ClassValidatorMaxLength(4)
  name!: unknown
}

describe("MaxLength", () => {
  it("counts code points, as the databases do, where class-validator's skips variation selectors", async () => {
    const hearts = "❤️❤️❤️" // 3 hearts, each U+2764 U+FE0F: 6 code points
    expect(codePoints(hearts)).toBe(6)
    expect(await issuesOf(LibraryShort, { name: hearts })).toEqual([])
    expect(await issuesOf(Short, { name: hearts })).toEqual([
      { property: "Short.name", reasons: ["name must be shorter than or equal to 4 characters"] },
    ])
    expect(await issuesOf(Short, { name: "❤️❤️" })).toEqual([])
    expect(await issuesOf(Short, { name: "🤖🤖🤖🤖" })).toEqual([])
    expect(await issuesOf(Short, { name: "🤖🤖🤖🤖a" })).toHaveLength(1)
    expect(await issuesOf(Short, { name: 1234 })).toHaveLength(1)
  })
})

describe("StorableText", () => {
  it("refuses a string with U+0000 anywhere and accepts the escaped form", async () => {
    for (const text of ["\u0000", "a\u0000", "\u0000b"]) {
      expect(await issuesOf(Note, { text })).toEqual([
        {
          property: "Note.text",
          reasons: ["text must not contain the NUL character (\\u0000) or an unpaired surrogate"],
        },
      ])
    }
    expect(await issuesOf(Note, { text: "\\u00" })).toEqual([])
  })

  it("refuses an unpaired surrogate, which every driver would store as U+FFFD", async () => {
    for (const text of ["a\uD800b", "\uDC00", "end\uD83D"]) {
      expect((await issuesOf(Note, { text }))[0]?.property).toBe("Note.text")
    }
    expect(await issuesOf(Note, { text: "\uD83D\uDE00" })).toEqual([])
  })
})

describe("MaxUtf8Bytes", () => {
  it("counts UTF-8 bytes, not characters", async () => {
    expect(await issuesOf(Note, { text: "éé" })).toEqual([])
    expect(await issuesOf(Note, { text: "ééa" })).toEqual([
      { property: "Note.text", reasons: ["text must be at most 4 bytes in UTF-8"] },
    ])
    expect(await issuesOf(Note, { text: "🤖" })).toEqual([])
    expect(await issuesOf(Note, { text: "🤖a" })).toHaveLength(1)
  })

  it("agrees with Buffer.byteLength on both sides of its shortcuts", () => {
    for (const text of ["", "abc", "é".repeat(5), "🤖".repeat(3), "a".repeat(30), "€".repeat(4)]) {
      for (let max = 0; max <= 14; max += 1) {
        expect(fitsUtf8Bytes(text, max)).toBe(Buffer.byteLength(text) <= max)
      }
    }
  })
})

describe("IsOptionalNotNull", () => {
  it("skips the checks when the property is left out, and runs them on null", async () => {
    expect(await issuesOf(Rename, {})).toEqual([])
    expect(await issuesOf(Rename, { name: "ok" })).toEqual([])
    expect(await issuesOf(Rename, { name: null })).toEqual([
      { property: "Rename.name", reasons: ["name must be a string"] },
    ])
  })
})

describe("ExactlyOneOf", () => {
  it("accepts exactly one of the properties, checking its own format", async () => {
    expect(await issuesOf(Pick3, { b: A })).toEqual([])
    expect(await issuesOf(Pick3, { b: A, a: null })).toEqual([])
    expect(await issuesOf(Pick3, { b: "x" })).toEqual([
      { property: "Pick3.b", reasons: ["b must be a UUID"] },
    ])
  })

  it("names every property when none or several are given", async () => {
    const none = await issuesOf(Pick3, {})
    expect(none.map((issue) => issue.property)).toEqual(["Pick3.a", "Pick3.b", "Pick3.c"])
    expect(none[0]!.reasons).toEqual([
      "exactly one of a, b and c must be given, but none was given",
    ])
    const two = await issuesOf(Pick3, { a: A, c: A })
    expect(two.map((issue) => issue.property)).toEqual(["Pick3.a", "Pick3.b", "Pick3.c"])
    expect(two[0]!.reasons).toEqual(["exactly one of a, b and c must be given, but 2 were given"])
  })
})
