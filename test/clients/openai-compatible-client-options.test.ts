import {
  ConcreteDbError,
  DEFAULT_LLM_MAX_RETRIES,
  DEFAULT_OPENAI_BASE_URL,
  DEFAULT_OPENAI_MODEL,
  OpenAICompatibleClient,
} from "../../src"
import { API_KEY, everythingShown } from "./client-fixture"

describe("OpenAICompatibleClient's options", () => {
  it("takes base URL, key and model from the environment, with defaults", () => {
    const fromEnv = new OpenAICompatibleClient({
      env: {
        OPENAI_BASE_URL: "http://127.0.0.1:9/v2/",
        OPENAI_API_KEY: API_KEY,
        OPENAI_MODEL: "local-model",
      },
    })
    expect(fromEnv.baseUrl).toBe("http://127.0.0.1:9/v2")
    expect(fromEnv.model).toBe("local-model")
    expect(JSON.stringify(fromEnv)).toContain('"apiKey":"(set)"')
    const defaults = new OpenAICompatibleClient({ env: { OPENAI_MODEL: " " } })
    expect(defaults.baseUrl).toBe(DEFAULT_OPENAI_BASE_URL)
    expect(defaults.model).toBe(DEFAULT_OPENAI_MODEL)
    expect(defaults.temperature).toBe(0)
    expect(defaults.timeoutMs).toBe(60_000)
    expect(defaults.maxRetries).toBe(DEFAULT_LLM_MAX_RETRIES)
    expect(JSON.stringify(defaults)).toContain('"apiKey":"(none)"')
    const overridden = new OpenAICompatibleClient({
      env: { OPENAI_MODEL: "from-env" },
      model: "from-options",
    })
    expect(overridden.model).toBe("from-options")
  })

  it.each([
    [{ baseUrl: "ftp://example.com" }, "must be an http(s) URL"],
    [{ baseUrl: "not a url" }, "must be an http(s) URL"],
    [{ baseUrl: `https://user:${API_KEY}@example.com/v1` }, "must not contain credentials"],
    [{ baseUrl: `https://example.com/v1?key=${API_KEY}` }, "must not contain credentials"],
    [{ model: "" }, "model name must not be empty"],
    [{ temperature: 3 }, "temperature must be from 0 to 2"],
    [{ timeoutMs: 0 }, "timeout must be a positive number of ms"],
    [{ maxRetries: -1 }, "maxRetries must be a whole number from 0"],
    [{ maxRetries: 1.5 }, "maxRetries must be a whole number from 0"],
    [
      { env: { OPENAI_LOG: "verbose" } },
      'must be one of off, error, warn, info, debug, not "verbose"',
    ],
  ])("rejects bad options %p", (options, message) => {
    let error: unknown
    try {
      new OpenAICompatibleClient({ env: {}, ...options })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConcreteDbError)
    expect((error as Error).message).toContain(message)
    expect(everythingShown(error as Error)).not.toContain(API_KEY)
  })
})
