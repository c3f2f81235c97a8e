// SQLite keeps dates as text, the way TypeORM writes them: "YYYY-MM-DD HH:MM:SS.mmm" in UTC.
// Text in this form sorts in time order, which is what ORDER BY created_at relies on. A flush
// stamps every row with the same Date, so the last conversion is remembered.
let lastTime = Number.NaN
let lastText = ""

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value)
}

export function sqliteDateTime(date: Date): string {
  const time = date.getTime()
  if (time === lastTime) return lastText
  const year = date.getUTCFullYear()
  const ms = date.getUTCMilliseconds()
  const yearText = year < 1000 ? String(year).padStart(4, "0") : String(year)
  const msText = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms)
  lastText =
    `${yearText}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}.${msText}`
  lastTime = time
  return lastText
}

function digits(text: string, start: number, count: number): number {
  let value = 0
  for (let i = start; i < start + count; i += 1) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9) return Number.NaN
    value = value * 10 + digit
  }
  return value
}

// Rows read together were mostly written within the same hour: the time of the hour parsed
// last ("YYYY-MM-DD HH") is remembered, leaving minutes, seconds and milliseconds to add.
let lastHourText = ""
let lastHourTime = Number.NaN

/**
 * The time of SQLite's date text as written above (or without milliseconds), NaN for any other
 * form; no regex, no Date.
 */
function sqliteTextTime(text: string): number {
  const length = text.length
  if (!(
    (length === 19 || length === 23) &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(13) === 58
  )) {
    return Number.NaN
  }
  if (lastHourText === "" || !text.startsWith(lastHourText)) {
    const hour = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2),
    )
    if (Number.isNaN(hour)) return hour
    lastHourText = text.slice(0, 13)
    lastHourTime = hour
  }
  // Date.UTC adds minutes, seconds and milliseconds to the hour the same way.
  return (
    lastHourTime +
    digits(text, 14, 2) * 60_000 +
    digits(text, 17, 2) * 1000 +
    (length === 23 ? digits(text, 20, 3) : 0)
  )
}

/** The time of SQLite's date text (as written above, or without milliseconds, or other). */
export function sqliteTime(text: string): number {
  const time = sqliteTextTime(text)
  return Number.isNaN(time) ? parseOther(text).getTime() : time
}

// Anything else SQLite may hold (ISO text with a zone, say): as TypeORM reads it.
function parseOther(text: string): Date {
  const naive = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
  return new Date(naive ? `${text.replace(" ", "T")}Z` : text)
}
