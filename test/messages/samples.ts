import {
  ChildNodeSummary,
  type ConcreteMessage,
  type JsonSchema,
  NodeSummary,
  NodeUUID,
  Param,
  PlannedComponents,
  ProjectDirectory,
  ProjectFile,
  Rating,
  Summary,
  TextMessage,
  ToolCall,
} from "../../src"

/** One instance of every built-in type, with awkward text (quotes, newlines, emoji, unicode). */
export function sampleMessages(): ConcreteMessage[] {
  return [
    new TextMessage({ text: 'Build a "hello world" page\nwith ünïcødé and 🎉' }),
    new Param({ name: "path", value: "src/index.ts" }),
    new ToolCall({
      toolName: "github",
      toolMethod: "createRepository",
      toolParameters: [
        new Param({ name: "name", value: "hello-world" }),
        new Param({ name: "private", value: "true" }),
      ],
    }),
    new PlannedComponents({ components: ["index.html with a greeting", "style.css", ""] }),
    new Summary({ summary: ["index.html greets the visitor", "style.css centres it"] }),
    new ProjectFile({ fileName: "index.html", fileContents: "<h1>Hello, world</h1>\n" }),
    new ProjectDirectory({
      projectName: "hello-world",
      files: [
        new ProjectFile({ fileName: "index.html", fileContents: "<h1>Hello</h1>" }),
        new ProjectFile({ fileName: "css/style.css", fileContents: "h1 { color: red }\t\\" }),
      ],
    }),
    new ChildNodeSummary({ childName: "src", childSummary: "The source code" }),
    new NodeSummary({
      nodeName: "concrete-db",
      overallSummary: "The database layer",
      childrenSummaries: [
        new ChildNodeSummary({ childName: "src", childSummary: "Source" }),
        new ChildNodeSummary({ childName: "test", childSummary: "Tests" }),
      ],
    }),
    new NodeUUID({ nodeUuid: "0192f0c4-8a4e-7c41-9d2b-3f6a1e5b7c90" }),
    new Rating({ rating: 7.5, reasoning: "Works; no tests" }),
    new Rating({ rating: 3 }),
  ]
}

/** `[label, message]` pairs for `it.each`: the class name, numbered when it repeats. */
export function sampleCases(): Array<readonly [string, ConcreteMessage]> {
  const seen = new Map<string, number>()
  return sampleMessages().map((message) => {
    const name = message.constructor.name
    const count = (seen.get(name) ?? 0) + 1
    seen.set(name, count)
    return [count === 1 ? name : `${name} (${count})`, message] as const
  })
}

/**
 * Every way `value` breaks `schema` (the subset strict structured output uses), written
 * independently of the package's own shape check so the two can be compared.
 */
export function schemaViolations(schema: JsonSchema, value: unknown, path = "$"): string[] {
  if (schema.anyOf) {
    const fits = schema.anyOf.some((option) => schemaViolations(option, value, path).length === 0)
    return fits ? [] : [`${path} fits none of anyOf`]
  }
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type)
  const actual =
    value === null
      ? "null"
      : Array.isArray(value)
        ? "array"
        : typeof value === "number" && Number.isInteger(value)
          ? "integer"
          : typeof value
  const typeOk = types.some(
    (type) => type === actual || (type === "number" && actual === "integer"),
  )
  if (!typeOk) return [`${path} is ${actual}, schema wants ${types.join("|")}`]
  if (actual === "array") {
    return (value as unknown[]).flatMap((item, i) =>
      schemaViolations(schema.items!, item, `${path}[${i}]`),
    )
  }
  if (actual === "object") {
    const record = value as Record<string, unknown>
    const problems: string[] = []
    for (const key of schema.required ?? []) {
      if (!(key in record)) problems.push(`${path}.${key} is missing`)
    }
    for (const [key, item] of Object.entries(record)) {
      const property = schema.properties?.[key]
      if (property) problems.push(...schemaViolations(property, item, `${path}.${key}`))
      else if (schema.additionalProperties === false) problems.push(`${path}.${key} is extra`)
    }
    return problems
  }
  return []
}

/** Every object schema inside `schema` (itself included). */
export function objectSchemas(schema: JsonSchema): JsonSchema[] {
  const nested = [
    ...Object.values(schema.properties ?? {}),
    ...(schema.items ? [schema.items] : []),
    ...(schema.anyOf ?? []),
  ].flatMap(objectSchemas)
  const isObject = schema.type === "object" || [schema.type].flat().includes("object")
  return isObject ? [schema, ...nested] : nested
}
