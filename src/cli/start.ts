import "reflect-metadata"
import { createDataSource } from "../create-data-source"
import { describeTarget } from "../data-source-options"

// `npm start` until the demo exists: open the default database, apply pending migrations and
// say what happened.
async function main(): Promise<void> {
  const dataSource = createDataSource()
  console.log(`Database: ${describeTarget(dataSource.options)}`)
  await dataSource.initialize()
  try {
    const ran = await dataSource.runMigrations({ transaction: "each" })
    console.log(
      ran.length === 0
        ? "Migrations: none pending"
        : `Migrations applied: ${ran.map((migration) => migration.name).join(", ")}`,
    )
  } finally {
    await dataSource.destroy()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
  process.exitCode = 1
})
