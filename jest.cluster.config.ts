import type { Config } from "jest"
import base from "./jest.config"

// The cluster suite (`npm run test:cluster`): a PostgreSQL primary with a streaming replica and
// PgBouncer in front of it (test/support/cluster/cluster.sh). Its files share that fixture (and
// some stop the replica or fill the primary's connections), so they run one at a time.
const config: Config = {
  ...base,
  testMatch: ["**/test/cluster/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/"],
  globalSetup: "<rootDir>/test/support/cluster-setup.ts",
  testTimeout: 300_000,
  maxWorkers: 1,
}

export default config
