import { DefaultNamingStrategy, type NamingStrategyInterface, type Table } from "typeorm"

// PostgreSQL truncates identifiers at 63 bytes, MySQL refuses more than 64.
const MAX_IDENTIFIER = 63

function tableName(tableOrName: Table | string): string {
  const name = typeof tableOrName === "string" ? tableOrName : tableOrName.name
  return name.split(".").pop() ?? name
}

/**
 * Names constraints and indexes after what they cover (`FK_message_project_id`,
 * `IDX_repo_node_org_repo`, `UQ_user_email`) instead of TypeORM's hashes, so schemas, migrations
 * and error messages are readable. A name that would be too long for PostgreSQL or MySQL falls
 * back to TypeORM's hashed name.
 *
 * @example
 * new DataSource({ type: "postgres", namingStrategy: new ConcreteNamingStrategy(), ... })
 */
export class ConcreteNamingStrategy
  extends DefaultNamingStrategy
  implements NamingStrategyInterface
{
  override primaryKeyName(tableOrName: Table | string, columnNames: string[]): string {
    return this.readable(`PK_${tableName(tableOrName)}`, () =>
      super.primaryKeyName(tableOrName, columnNames),
    )
  }

  override uniqueConstraintName(tableOrName: Table | string, columnNames: string[]): string {
    return this.readable(`UQ_${tableName(tableOrName)}_${columnNames.join("_")}`, () =>
      super.uniqueConstraintName(tableOrName, columnNames),
    )
  }

  override relationConstraintName(
    tableOrName: Table | string,
    columnNames: string[],
    where?: string,
  ): string {
    if (where) return super.relationConstraintName(tableOrName, columnNames, where)
    return this.readable(`UQ_${tableName(tableOrName)}_${columnNames.join("_")}`, () =>
      super.relationConstraintName(tableOrName, columnNames, where),
    )
  }

  override foreignKeyName(
    tableOrName: Table | string,
    columnNames: string[],
    referencedTablePath?: string,
    referencedColumnNames?: string[],
  ): string {
    return this.readable(`FK_${tableName(tableOrName)}_${columnNames.join("_")}`, () =>
      super.foreignKeyName(tableOrName, columnNames, referencedTablePath, referencedColumnNames),
    )
  }

  override indexName(tableOrName: Table | string, columnNames: string[], where?: string): string {
    if (where) return super.indexName(tableOrName, columnNames, where)
    return this.readable(`IDX_${tableName(tableOrName)}_${columnNames.join("_")}`, () =>
      super.indexName(tableOrName, columnNames, where),
    )
  }

  private readable(name: string, fallback: () => string): string {
    return name.length <= MAX_IDENTIFIER ? name : fallback()
  }
}
