import { PROJECT_NAME_LENGTH, directMessageProjectName } from "../../src"
import { codePoints } from "../../src/dto/validators"

describe("directMessageProjectName", () => {
  it('is "<name>\'s Direct Messages" when that fits', () => {
    expect(directMessageProjectName("Ada")).toBe("Ada's Direct Messages")
    const longest = "n".repeat(PROJECT_NAME_LENGTH - "'s Direct Messages".length)
    expect(directMessageProjectName(longest)).toBe(`${longest}'s Direct Messages`)
    expect(directMessageProjectName(longest)).toHaveLength(PROJECT_NAME_LENGTH)
  })

  it("shortens a longer name to 64 characters, ending the name in an ellipsis", () => {
    const name = directMessageProjectName("n".repeat(64))
    expect(name).toBe(`${"n".repeat(45)}…'s Direct Messages`)
    expect(codePoints(name)).toBe(PROJECT_NAME_LENGTH)
    const spaced = directMessageProjectName(`${"n".repeat(44)} ${"m".repeat(19)}`)
    expect(spaced).toBe(`${"n".repeat(44)}…'s Direct Messages`)
  })

  it("never splits a character made of several code points", () => {
    const name = directMessageProjectName("👩‍💻".repeat(20))
    expect(codePoints(name)).toBeLessThanOrEqual(PROJECT_NAME_LENGTH)
    expect(name).toBe(`${"👩‍💻".repeat(15)}…'s Direct Messages`)
  })

  it("numbers the alternatives used when a name is taken, still within 64 characters", () => {
    expect(directMessageProjectName("Ada", 2)).toBe("Ada's Direct Messages (2)")
    const name = directMessageProjectName("n".repeat(64), 12)
    expect(name).toBe(`${"n".repeat(40)}…'s Direct Messages (12)`)
    expect(codePoints(name)).toBe(PROJECT_NAME_LENGTH)
  })
})
