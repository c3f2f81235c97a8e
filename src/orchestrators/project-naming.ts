import { PROJECT_NAME_LENGTH } from "../services/direct-message-project-name"

/** How many characters of the prompt a generated project name keeps. */
export const PROJECT_BASE_NAME_LENGTH = 48

/**
 * The start of a generated project name: the prompt's first non-empty line, whitespace
 * collapsed, shortened to `PROJECT_BASE_NAME_LENGTH` characters (ending in "…").
 *
 * @example
 * projectBaseName("  Build a hello\tworld page\nwith a footer") // "Build a hello world page"
 */
export function projectBaseName(prompt: string): string {
  const line =
    prompt
      .split(/\r?\n/)
      .map((text) => text.replace(/\s+/g, " ").trim())
      .find((text) => text !== "") ?? "Project"
  return shorten(line, PROJECT_BASE_NAME_LENGTH)
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" })

// `text` cut to at most `max` code points (as the databases count characters), at a grapheme
// boundary (never half an emoji), ending in "…" when cut.
function shorten(text: string, max: number): string {
  if ([...text].length <= max) return text
  let kept = ""
  let length = 0
  for (const { segment } of graphemes.segment(text)) {
    const size = [...segment].length
    if (length + size > max - 1) break
    kept += segment
    length += size
  }
  return `${kept.trimEnd()}…`
}

/**
 * The generated name of a run's project: `"<base> #<ordinal>"`, at most 64 characters.
 *
 * @example
 * runProjectName("Build a hello world page", 2) // "Build a hello world page #2"
 */
export function runProjectName(base: string, ordinal: number): string {
  const suffix = ` #${ordinal}`
  const room = PROJECT_NAME_LENGTH - suffix.length
  return `${shorten(base, room)}${suffix}`
}

/**
 * The ordinal a generated name ends with (`" #<n>"`), else undefined. Used on the names a
 * prefix query found, which are compared as the database compares them (without regard to case
 * on MySQL, say), so the prefix itself is not checked again here.
 *
 * @example
 * runOrdinalOf("hello world #3") // 3
 * runOrdinalOf("hello world") // undefined
 */
export function runOrdinalOf(name: string): number | undefined {
  const digits = / #([1-9][0-9]{0,8})$/.exec(name)?.[1]
  return digits === undefined ? undefined : Number(digits)
}

/**
 * A directory name for a project: lower-case ASCII letters, digits and dashes (at most 64).
 *
 * @example
 * directoryName("Build a hello world page #2") // "build-a-hello-world-page-2"
 */
export function directoryName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "")
  return slug === "" ? "project" : slug
}
