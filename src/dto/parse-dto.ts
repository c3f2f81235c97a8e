import { plainToInstance } from "class-transformer"
import {
  type ValidationError as ClassValidatorError,
  getMetadataStorage,
  validate,
  type ValidatorOptions,
} from "class-validator"
import { ValidationError, type ValidationIssue } from "../errors"
import { checksPass } from "./checks-pass"

/** A DTO class: class-validator decorated, constructible without arguments. */
export type DtoClass<T extends object> = new () => T

/** Own keys refused anywhere in the input: they could rewrite prototypes. */
export const FORBIDDEN_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"]

const FORBIDDEN = new Set(FORBIDDEN_KEYS)

const VALIDATION: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
}

// Deep enough for any DTO; deeper input is refused rather than walked.
const MAX_DEPTH = 32

/**
 * Turns input (JSON from a request, or an instance of the class) into a checked instance of
 * `Dto`: class-transformer builds it (no implicit conversion: `"1"` stays a string), then
 * class-validator checks every property, rejecting properties the class does not declare.
 *
 * Input that is not an object (an array, `null`, a string, …) is refused, and so are the keys
 * `__proto__`, `constructor` and `prototype` at any depth, before class-transformer sees them.
 * An instance of `Dto` is validated as it is and returned.
 *
 * @throws ValidationError naming every bad property (`UserCreate.email`, nested paths joined with
 * dots) with its reasons; nothing is returned and nothing is written.
 *
 * @example
 * const create = await parseDto(UserCreate, JSON.parse(body))
 * create.email // a string of at most 128 characters, checked
 */
export async function parseDto<T extends object>(Dto: DtoClass<T>, input: unknown): Promise<T> {
  const name = Dto.name
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ValidationError([
      { property: name, reasons: [`must be an object, not ${describe(input)}`] },
    ])
  }
  const refused: ValidationIssue[] = []
  findForbiddenKeys(input, name, 0, new Set(), refused)

  const instance =
    input instanceof Dto && refused.length === 0
      ? input
      : plainToInstance(Dto, sanitized(input, 0) as Record<string, unknown>)

  const errors = checksPass(instance) ? [] : await validate(instance, VALIDATION)
  const issues = [...refused, ...dropped(Dto, input, instance, name), ...flatten(errors, name)]
  if (issues.length > 0) throw new ValidationError(issues)
  return instance
}

function findForbiddenKeys(
  value: object,
  path: string,
  depth: number,
  seen: Set<object>,
  out: ValidationIssue[],
): void {
  if (seen.has(value)) return
  seen.add(value)
  if (depth > MAX_DEPTH) {
    out.push({ property: path, reasons: [`is nested more than ${MAX_DEPTH} levels deep`] })
    return
  }
  for (const key of Object.keys(value)) {
    const at = `${path}.${key}`
    if (FORBIDDEN.has(key)) {
      out.push({ property: at, reasons: [`property ${key} is not allowed`] })
      continue
    }
    const child = (value as Record<string, unknown>)[key]
    if (child !== null && typeof child === "object") {
      findForbiddenKeys(child, at, depth + 1, seen, out)
    }
  }
}

// A copy of plain input without the forbidden keys, cut below MAX_DEPTH: all class-transformer
// ever walks.
function sanitized(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") return value
  if (depth > MAX_DEPTH) return undefined
  if (Array.isArray(value)) return value.map((item) => sanitized(item, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) {
    if (!FORBIDDEN.has(key))
      copy[key] = sanitized((value as Record<string, unknown>)[key], depth + 1)
  }
  return copy
}

const declaredProperties = new WeakMap<object, ReadonlySet<string>>()

function declared(Dto: DtoClass<object>): ReadonlySet<string> {
  let names = declaredProperties.get(Dto)
  if (!names) {
    const metadatas = getMetadataStorage().getTargetValidationMetadatas(Dto, "", true, false)
    names = new Set(metadatas.map((metadata) => metadata.propertyName))
    declaredProperties.set(Dto, names)
  }
  return names
}

// class-transformer leaves out input keys named after a method of the class's prototype chain
// (toString, hasOwnProperty, …), so class-validator never sees them to refuse them: they are
// unknown properties like any other.
function dropped(
  Dto: DtoClass<object>,
  input: object,
  instance: object,
  name: string,
): ValidationIssue[] {
  if (input === instance) return []
  const known = declared(Dto)
  return Object.keys(input)
    .filter((key) => !FORBIDDEN.has(key) && !known.has(key) && !Object.hasOwn(instance, key))
    .map((key) => ({ property: `${name}.${key}`, reasons: [`property ${key} should not exist`] }))
}

function flatten(errors: readonly ClassValidatorError[], path: string): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  for (const error of errors) {
    const at = error.property === undefined ? path : `${path}.${error.property}`
    const reasons = reasonsOf(error.constraints ?? {})
    if (reasons.length > 0) issues.push({ property: at, reasons })
    if (error.children && error.children.length > 0) issues.push(...flatten(error.children, at))
  }
  return issues
}

// A value of the wrong type fails every other check of its property too; its type is the reason.
const TYPE_CHECKS = ["isString", "isNumber", "isInt", "isBoolean"]

function reasonsOf(constraints: Record<string, string>): string[] {
  const typeReasons = TYPE_CHECKS.flatMap((name) => constraints[name] ?? [])
  if (typeReasons.length > 0) return typeReasons
  // Decorators apply bottom-up: reverse to list the reasons in the order they are declared.
  return Object.values(constraints).reverse()
}

function describe(value: unknown): string {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  return `a ${typeof value}`
}
