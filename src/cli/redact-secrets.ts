import type { Env } from "../data-source-options"

/** The environment variables whose values are never printed. */
export const SECRET_VARIABLES = ["DB_PASSWORD", "OPENAI_API_KEY"] as const

/**
 * `text` with every secret of `env` replaced by "***": the values of `SECRET_VARIABLES` and the
 * password of `DATABASE_URL`. The CLI passes its error messages through it, as a last line of
 * defence behind the library's own masking.
 *
 * @example
 * redactSecrets({ DB_PASSWORD: "hunter2" }, "login failed with hunter2") // "login failed with ***"
 */
export function redactSecrets(env: Env, text: string): string {
  const secrets = new Set<string>()
  for (const name of SECRET_VARIABLES) {
    const value = env[name]
    if (value !== undefined && value !== "") secrets.add(value)
  }
  const url = env.DATABASE_URL
  if (url) {
    try {
      const password = new URL(url).password
      if (password !== "") {
        secrets.add(password)
        secrets.add(decodeURIComponent(password))
      }
    } catch {
      // not a URL: the data source reports that, without the value
    }
  }
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length)
  return longestFirst.reduce((result, secret) => result.split(secret).join("***"), text)
}
