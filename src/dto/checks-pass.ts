import {
  getMetadataStorage,
  type MetadataStorage,
  type ValidationArguments,
  ValidationTypes,
} from "class-validator"

type Metadata = ReturnType<MetadataStorage["getTargetValidationMetadatas"]>[number]
type Constraint = ReturnType<MetadataStorage["getTargetValidatorConstraints"]>[number]
type Target = Parameters<MetadataStorage["getTargetValidationMetadatas"]>[0]

interface PropertyChecks {
  readonly property: string
  /** `@IsOptional`, `@ValidateIf`: every one must hold for the checks below to run. */
  readonly conditions: readonly Metadata[]
  /** Each check with its validators (registered with its decorator, before it was used). */
  readonly checks: readonly { readonly metadata: Metadata; readonly validators: Constraint[] }[]
}

interface ClassChecks {
  readonly properties: readonly PropertyChecks[]
  readonly declared: ReadonlySet<string>
}

// class-validator looks up, filters and groups a class's metadata and builds an error object per
// property on every call (most of parseDto's time for a valid message); this does the lookup
// once per class. A class's decorators have all run by the time it can be instantiated, so its
// metadata does not change afterwards.
const plans = new WeakMap<object, ClassChecks | null>()

/**
 * Whether class-validator, with `whitelist` and `forbidNonWhitelisted`, would find nothing
 * wrong with `instance`: its properties are all declared and every check of theirs passes. It
 * answers false when in doubt (a check failed, answered asynchronously, or the class uses
 * nested, per-item, `@IsDefined` or promise validation): the caller then asks class-validator,
 * whose errors (messages, order, contexts) only it builds.
 */
export function checksPass(instance: object): boolean {
  const target: unknown = instance.constructor
  if (typeof target !== "function") return false
  let plan = plans.get(target)
  if (plan === undefined) {
    plan = planOf(target)
    plans.set(target, plan)
  }
  if (!plan) return false
  for (const key of Object.keys(instance)) if (!plan.declared.has(key)) return false
  const object = instance as Record<string, unknown>
  const targetName = target.name
  for (const { property, conditions, checks } of plan.properties) {
    const value = object[property]
    let applies = true
    // All of them run, as class-validator runs them.
    for (const condition of conditions) {
      if (!(condition.constraints[0] as (o: object, v: unknown) => boolean)(object, value)) {
        applies = false
      }
    }
    if (!applies) continue
    for (const { metadata, validators } of checks) {
      if (metadata.validateIf && !metadata.validateIf(object, value)) continue
      const args: ValidationArguments = {
        targetName,
        property,
        object,
        value,
        constraints: metadata.constraints,
      }
      for (const constraint of validators) {
        // An asynchronous check is left to class-validator, so that it runs once.
        if (constraint.async) return false
        const valid: unknown = constraint.instance.validate(value, args)
        if (valid === true) continue
        if (valid instanceof Promise) valid.catch(() => undefined)
        return false
      }
    }
  }
  return true
}

function planOf(target: Target): ClassChecks | null {
  const storage = getMetadataStorage()
  const metadatas = storage.getTargetValidationMetadatas(
    target,
    undefined as unknown as string,
    false,
    false,
    undefined,
  )
  if (metadatas.length === 0) return null
  const byProperty = new Map<
    string,
    { conditions: Metadata[]; checks: { metadata: Metadata; validators: Constraint[] }[] }
  >()
  for (const metadata of metadatas) {
    if (metadata.each) return null
    let entry = byProperty.get(metadata.propertyName)
    if (!entry) byProperty.set(metadata.propertyName, (entry = { conditions: [], checks: [] }))
    if (metadata.type === ValidationTypes.CONDITIONAL_VALIDATION) entry.conditions.push(metadata)
    else if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
      const validators = storage.getTargetValidatorConstraints(metadata.constraintCls)
      entry.checks.push({ metadata, validators })
    } else if (metadata.type !== ValidationTypes.WHITELIST) return null
  }
  return {
    properties: [...byProperty].map(([property, entry]) => ({ property, ...entry })),
    declared: new Set(byProperty.keys()),
  }
}
