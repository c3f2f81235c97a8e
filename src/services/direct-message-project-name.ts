import { codePoints } from "../dto/validators"

/** Most characters of a project name (`Project.name` is a varchar(64)). */
export const PROJECT_NAME_LENGTH = 64

const SUFFIX = "'s Direct Messages"
const ELLIPSIS = "…"

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" })

/**
 * The name of an operator's direct-message project: `"<operator name>'s Direct Messages"`. A
 * name too long for the project's 64 characters is shortened to whole characters (never half an
 * emoji) and ends in "…": `"<shortened name>…'s Direct Messages"`. `ordinal` 2, 3, … gives the
 * alternatives used when that name is taken: `"… Direct Messages (2)"`. Characters are counted
 * as the databases count them: Unicode code points.
 *
 * @example
 * directMessageProjectName("Ada") // "Ada's Direct Messages"
 * directMessageProjectName("A".repeat(64)) // "AAAA…A…'s Direct Messages", 64 characters
 */
export function directMessageProjectName(operatorName: string, ordinal = 1): string {
  const tail = ordinal > 1 ? `${SUFFIX} (${ordinal})` : SUFFIX
  if (codePoints(operatorName) + codePoints(tail) <= PROJECT_NAME_LENGTH) {
    return operatorName + tail
  }
  const room = PROJECT_NAME_LENGTH - codePoints(tail) - codePoints(ELLIPSIS)
  let kept = ""
  let used = 0
  for (const { segment } of graphemes.segment(operatorName)) {
    const size = codePoints(segment)
    if (used + size > room) break
    kept += segment
    used += size
  }
  return kept.trimEnd() + ELLIPSIS + tail
}
