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

/** Parses SQLite's date text (as written above, or without milliseconds) without a regex. */
export function parseSqliteDateTime(text: string): Date {
  const length = text.length
  if ((length === 19 || length === 23) && text.charCodeAt(4) === 45 && text.charCodeAt(13) === 58) {
    const time = Date.UTC(
      digits(text, 0, 4),
      digits(text, 5, 2) - 1,
      digits(text, 8, 2),
      digits(text, 11, 2),
      digits(text, 14, 2),
      digits(text, 17, 2),
      length === 23 ? digits(text, 20, 3) : 0,
    )
    if (!Number.isNaN(time)) return new Date(time)
  }
  // Anything else SQLite may hold (ISO text with a zone, say): as TypeORM reads it.
  const naive = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
  return new Date(naive ? `${text.replace(" ", "T")}Z` : text)
}
