import { getMetadataStorage, IsNotEmpty, IsOptional, IsString, validateSync } from "class-validator"
import { allOf, NonEmptyText } from "../../src/dto/field-rules"
import { MaxLength, StorableText } from "../../src/dto/validators"

// What class-validator holds for a class: each check's property, name and constraints, in order.
function checksOf(target: new () => object): string[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(target, "", true, false)
    .map(
      (meta) =>
        `${meta.propertyName} ${meta.type} ${meta.name ?? ""} ${JSON.stringify(meta.constraints)}`,
    )
}

describe("allOf", () => {
  it("leaves class-validator the checks, in order, that the same decorators written out would", () => {
    class WrittenOut {
      @IsOptional()
      @IsString()
      @IsNotEmpty()
      @MaxLength(8)
      @StorableText()
      name?: string
    }
    class Composed {
      @IsOptional()
      @allOf(IsString(), IsNotEmpty(), MaxLength(8), StorableText())
      name?: string
    }
    expect(checksOf(Composed)).toEqual(checksOf(WrittenOut))
    expect(checksOf(Composed)).toHaveLength(5)
  })
})

describe("NonEmptyText", () => {
  class Named {
    @NonEmptyText(8)
    name!: unknown
  }
  const failed = (name: unknown) =>
    validateSync(Object.assign(new Named(), { name })).flatMap((error) =>
      Object.keys(error.constraints ?? {}),
    )

  it("accepts a string of up to its length", () => {
    expect(failed("12345678")).toEqual([])
  })

  it("rejects an empty string, a longer one, a non-string and one holding NUL", () => {
    expect(failed("")).toEqual(["isNotEmpty"])
    expect(failed("123456789")).toEqual(["maxLength"])
    expect(failed(5)).toEqual(expect.arrayContaining(["isString"]))
    expect(failed("a\u0000b")).toEqual(["storableText"])
  })
})
