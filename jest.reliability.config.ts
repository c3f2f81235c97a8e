import type { Config } from "jest"
import base from "./jest.config"

// The reliability suite (`npm run test:reliability`): crashes, faults, load, hostile input,
// secrets and migrations. Slower than the unit suites, so it runs on its own.
const config: Config = {
  ...base,
  testMatch: ["**/reliability/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 300_000,
  maxWorkers: 1,
}

export default config
