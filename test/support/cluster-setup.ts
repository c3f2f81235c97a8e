import { CLUSTER, CLUSTER_AVAILABLE_ENV, clusterAvailable } from "./cluster"

// Finds out once whether the cluster fixture (primary, replica, PgBouncer) answers. Locally a
// missing fixture skips the cluster suites with a notice; under CI=true it fails the run.
export default async function clusterSetup(): Promise<void> {
  if (await clusterAvailable()) {
    process.env[CLUSTER_AVAILABLE_ENV] = "1"
    return
  }
  const how = `start it with: bash ${CLUSTER.script} start`
  if (process.env.CI === "true") {
    throw new Error(`CI=true requires the PostgreSQL cluster fixture, which is not running; ${how}`)
  }
  process.env[CLUSTER_AVAILABLE_ENV] = "0"
  process.stderr.write(
    `\n[concrete-db tests] SKIPPING the cluster suites: the fixture is not running (${how})\n`,
  )
}
