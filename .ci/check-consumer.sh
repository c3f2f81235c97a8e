#!/usr/bin/env bash
# Proves that an application which installed the packed package can have models of its own:
#   1. the seed's example (a model extending MetadataEntity, new Session(), add, commit), in
#      TypeScript, on the embedded default with nothing configured;
#   2. on PostgreSQL and on MariaDB (a database of its own, dropped afterwards): the missing-table
#      error before any migration of the application ran (PostgreSQL), then
#      `concrete-db migration:generate` and `concrete-db migrate`, then add/commit/read back of a
#      model with a ManyToOne to User (onDelete CASCADE) and the cascade from deleting the user,
#      and the TypeORM CLI line of the README;
#   3. on both servers, a model with @BeforeInsert and an embedded column, added and read back
#      through a Session (listeners and embedded columns on Session paths).
# Exits non-zero on any failure and prints each check as it passes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
suffix="$$_$(date +%s)"
pg_db="consumer_pg_$suffix"
maria_db="consumer_maria_$suffix"

cleanup() {
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  mysql -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS \`$maria_db\`" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

check() { printf 'ok: %s\n' "$*"; }
fail() {
  printf 'FAILED: %s\n' "$*" >&2
  exit 1
}
# expect_match <description> <text> <extended regex>
expect_match() {
  if ! grep -Eq -- "$3" <<<"$2"; then
    printf '%s\n' "$2" >&2
    fail "$1 (expected /$3/)"
  fi
  check "$1"
}

cd "$root"
npm run build --silent
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
app="$work/app"
mkdir -p "$app/src/models"
cd "$app"
cat >package.json <<JSON
{
  "name": "consumer-app",
  "private": true,
  "dependencies": { "concrete-db": "file:../$tarball" },
  "allowScripts": { "better-sqlite3": true }
}
JSON
npm install --prefer-offline --no-audit --no-fund --loglevel=error
check "the packed package installs into a fresh project"

cat >tsconfig.json <<JSON
{
  "compilerOptions": {
    "strict": true, "module": "commonjs", "target": "ES2022", "experimentalDecorators": true,
    "lib": ["ES2023", "esnext.disposable"], "types": ["node"],
    "typeRoots": ["$root/node_modules/@types"], "skipLibCheck": true,
    "rootDir": ".", "outDir": "dist"
  },
  "include": ["src", "migrations"]
}
JSON

# A model of the application's own with a ManyToOne to the package's User.
cat >src/models/note.ts <<'TS'
import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm"
import { MetadataEntity, User } from "concrete-db"

@Entity()
export class Note extends MetadataEntity {
  @Index()
  @Column({ type: "varchar", length: 64 })
  title!: string

  @Column({ name: "user_id", type: "uuid" })
  userId!: string

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User
}
TS

# A listener and an embedded column.
cat >src/models/contact.ts <<'TS'
import { BeforeInsert, Column, Entity } from "typeorm"
import { MetadataEntity } from "concrete-db"

export class Address {
  @Column({ type: "varchar", length: 64 })
  street!: string

  @Column({ type: "varchar", length: 64 })
  city!: string
}

@Entity()
export class Contact extends MetadataEntity {
  @Column({ type: "varchar", length: 64 })
  name!: string

  @Column({ type: "varchar", length: 64 })
  slug!: string

  @Column(() => Address)
  address!: Address

  @BeforeInsert()
  makeSlug(): void {
    this.slug = this.name.toLowerCase().replace(/\s+/g, "-")
  }
}
TS

# The seed's example, in TypeScript.
cat >src/seed.ts <<'TS'
import { Entity } from "typeorm"
import { MetadataEntity, Session, getDataSource } from "concrete-db"

@Entity()
class MyModel extends MetadataEntity {}

async function main(): Promise<void> {
  await using session = new Session()
  const myModel = new MyModel()
  session.add(myModel)
  await session.commit()
  const found = await session.get(MyModel, myModel.id)
  console.log(`seed: saved and read back ${found?.id === myModel.id ? "the same" : "another"} model`)
}

main()
  .then(async () => (await getDataSource()).destroy())
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
TS

# add/commit/read back and the cascade; "missing" only reports what adding a Note does.
cat >src/app.ts <<'TS'
import { strict as assert } from "node:assert"
import { Session, User, getDataSource, withSession, withTransaction } from "concrete-db"
import { Note } from "./models/note"

async function main(mode: string): Promise<void> {
  const user = Object.assign(new User(), { email: `consumer-${Date.now()}@example.com` })
  const note = Object.assign(new Note(), { title: "buy milk", user, userId: user.id })
  if (mode === "missing") {
    await using session = new Session()
    session.add(note)
    try {
      await session.commit()
      console.log("missing: no error")
    } catch (error) {
      console.log(`missing: ${(error as Error).name}: ${(error as Error).message}`)
    }
    return
  }
  await withTransaction(async (session) => {
    session.add(note)
  })
  await withSession(async (session) => {
    const found = await session.get(Note, note.id)
    assert.equal(found?.title, "buy milk")
    assert.equal(found?.userId, user.id)
  })
  console.log("app: added, committed and read back a Note of a User")
  await withTransaction(async (session) => {
    session.delete((await session.get(User, user.id))!)
  })
  await withSession(async (session) => {
    assert.equal(await session.get(Note, note.id), null)
  })
  console.log("app: deleting the User deleted its Note (ON DELETE CASCADE)")
}

main(process.argv[2] ?? "check")
  .then(async () => (await getDataSource()).destroy())
  .catch(async (error: unknown) => {
    console.error(error)
    process.exitCode = 1
    await (await getDataSource().catch(() => undefined))?.destroy()
  })
TS

# The listener runs on a Session insert, the embedded column is written and read back.
cat >src/item4.ts <<'TS'
import { strict as assert } from "node:assert"
import { getDataSource, withSession, withTransaction } from "concrete-db"
import { Contact } from "./models/contact"

async function main(): Promise<void> {
  const contact = Object.assign(new Contact(), {
    name: "Ada Lovelace",
    slug: "",
    address: { street: "12 St James's Square", city: "London" },
  })
  await withTransaction(async (session) => {
    session.add(contact)
  })
  await withSession(async (session) => {
    const found = await session.get(Contact, contact.id)
    assert.equal(found?.slug, "ada-lovelace", "@BeforeInsert set slug before the INSERT")
    assert.deepEqual({ ...found?.address }, { street: "12 St James's Square", city: "London" })
  })
  console.log("item4: @BeforeInsert ran on a Session insert and the embedded Address round-tripped")
}

main()
  .then(async () => (await getDataSource()).destroy())
  .catch(async (error: unknown) => {
    console.error(error)
    process.exitCode = 1
    await (await getDataSource().catch(() => undefined))?.destroy()
  })
TS

tsc="$root/node_modules/.bin/tsc"
"$tsc" -p tsconfig.json
check "the application's TypeScript (models, the seed's example) compiles against the package"

# 1. The seed's example on the embedded default: nothing configured, a fresh directory.
mkdir "$work/seed"
seed_out=$(cd "$work/seed" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" node "$app/dist/src/seed.js" 2>&1) ||
  fail "the seed's example on the embedded default: $seed_out"
expect_match "the seed's example saves and reads back MyModel with nothing configured" "$seed_out" \
  '^seed: saved and read back the same model$'
expect_match "the embedded default created the table my_model once, with one line naming the migration command" \
  "$seed_out" '^concrete-db: created table "my_model" for MyModel in the embedded database sqlite:.*sql_app\.db .*"npx concrete-db migration:generate migrations/AddMyModel"$'
[ -f "$work/seed/sql_app.db" ] || fail "the embedded default did not write sql_app.db in the working directory"
seed_again=$(cd "$work/seed" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" node "$app/dist/src/seed.js" 2>&1) ||
  fail "the seed's example, second run: $seed_again"
[ "$seed_again" = "seed: saved and read back the same model" ] ||
  fail "the second run created a table again or printed more: $seed_again"
check "a second run finds the table and prints no notice"

listeners_and_embedded() {
  local description=$1 output=$2 status=$3
  if [ "$status" -eq 0 ] && grep -q '^item4: ' <<<"$output"; then
    check "$description"
  else
    printf '%s\n' "$output" >&2
    fail "$description"
  fi
}

# 2. PostgreSQL and MariaDB.
run_server() {
  local kind=$1 database=$2 migrations=$3 language_flag=$4
  local -a env_vars
  if [ "$kind" = postgres ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE \"$database\"" >/dev/null
    env_vars=(DB_DRIVER=postgresql DB_USERNAME=postgres DB_PASSWORD= DB_HOST=127.0.0.1 DB_PORT=5432)
  else
    mysql -h 127.0.0.1 -u root -e "CREATE DATABASE \`$database\` CHARACTER SET utf8mb4"
    env_vars=(DB_DRIVER=mariadb DB_USERNAME=root DB_PASSWORD= DB_HOST=127.0.0.1 DB_PORT=3306)
  fi
  local dist_migrations=$migrations
  [ -z "$language_flag" ] && dist_migrations="dist/$migrations"
  env_vars+=(DB_DATABASE="$database" DB_ENTITIES='dist/src/models/*.js' DB_MIGRATIONS="$dist_migrations/*.js")
  in_env() { env -i PATH="$PATH" HOME="${HOME:-/tmp}" "${env_vars[@]}" "$@"; }

  if [ "$kind" = postgres ]; then
    local missing
    missing=$(in_env node dist/src/app.js missing 2>&1) || fail "$kind: the missing-table run crashed: $missing"
    expect_match "$kind: before any migration of the application, adding a Note fails with one MissingTableError naming Note, its table and the command" \
      "$missing" '^missing: MissingTableError: Note'"'"'s table "note" does not exist in postgres://postgres:\*\*\*@127\.0\.0\.1:5432/'"$database"'; write its migration with "npx concrete-db migration:generate migrations/AddNote" and apply it with "npx concrete-db migrate"'
  fi

  local generated
  # shellcheck disable=SC2086 # the flag is one word or none
  generated=$(in_env npx concrete-db migration:generate "$migrations/AddModels" $language_flag 2>&1) ||
    fail "$kind: migration:generate: $generated"
  local extension=ts
  [ -n "$language_flag" ] && extension=js
  expect_match "$kind: concrete-db migration:generate wrote a migration ($extension) for note and contact only" \
    "$generated" "^Wrote $migrations/[0-9]{13}-AddModels\\.$extension: .* for (contact, note|note, contact)\\.$"
  if grep -Eq 'CREATE TABLE [`"\\]*(user|message)' "$migrations"/*-AddModels.*; then
    fail "$kind: the generated migration touches the built-in schema"
  fi
  check "$kind: the generated migration leaves the built-in schema alone"
  if [ -z "$language_flag" ]; then
    "$tsc" -p tsconfig.json
    check "$kind: the TypeScript migration compiles"
  fi

  local migrated
  migrated=$(in_env npx concrete-db migrate 2>&1) || fail "$kind: migrate: $migrated"
  expect_match "$kind: concrete-db migrate applied the application's migration" "$migrated" \
    '^Applying AddModels[0-9]{13} … done'

  local shown
  shown=$(in_env npx typeorm -d node_modules/concrete-db/dist/src/data-source.js migration:show 2>&1) ||
    fail "$kind: the TypeORM CLI line: $shown"
  expect_match "$kind: npx typeorm -d node_modules/concrete-db/dist/src/data-source.js migration:show sees both migrations applied" \
    "$shown" '\[X\] [0-9]+ AddModels[0-9]{13}'

  local checked
  checked=$(in_env node dist/src/app.js 2>&1) || fail "$kind: add/commit/read back: $checked"
  expect_match "$kind: a Note was added, committed and read back" "$checked" '^app: added, committed and read back'
  expect_match "$kind: deleting the User cascaded to its Note" "$checked" '^app: deleting the User deleted its Note'

  local item4_out item4_status=0
  item4_out=$(in_env node dist/src/item4.js 2>&1) || item4_status=$?
  listeners_and_embedded "$kind: @BeforeInsert runs on a Session insert and an embedded column round-trips" "$item4_out" "$item4_status"
}

run_server postgres "$pg_db" migrations/pg ""
run_server mariadb "$maria_db" migrations/mariadb --js

echo "consumer project: every check passed"
