import type { DataSource } from "typeorm"
import { SessionStateError } from "../../src"
import type { Connection } from "../../src/internal/drivers/connection"
import {
  joinChain,
  ownChain,
  refuseNested,
  type ChainMember,
} from "../../src/internal/session-chain"

const dataSource = {} as DataSource
const otherDataSource = {} as DataSource

/** A session's side of the chain, as SessionConnection has it. */
class Member implements ChainMember {
  current: Connection | undefined
  exclusive = true
  readonly outer = joinChain(this)
  constructor(readonly dataSource: DataSource | undefined = undefined) {}
  take(): void {
    this.current = {} as Connection
  }
  giveBack(): void {
    this.current = undefined
  }
}

/** Creates members in the given data source, resolved and holding as told. */
function member(source = dataSource): Member {
  return new Member(source)
}

const nap = () => new Promise((resolve) => setTimeout(resolve, 1))

describe("session chain", () => {
  it("refuses a session created in the scope of one that holds the same SQLite connection", async () => {
    const outer = ownChain(() => member())
    await outer.run(async () => {
      await nap()
      outer.value.take()
      const inner = member()
      await nap()
      expect(() => refuseNested(inner.outer, dataSource)).toThrow(SessionStateError)
      expect(() => refuseNested(inner.outer, dataSource)).toThrow(
        /use the outer session .*or commit or close it before opening another/i,
      )
    })
  })

  it("never marks the caller's context with a bare session: work it starts later is not refused", async () => {
    await ownChain(() => undefined).run(async () => {
      const bare = member() // as `new Session()` in a job the caller did not await
      await nap()
      bare.take()
      const later = member() // a job the caller starts while the first one holds the connection
      expect(() => refuseNested(later.outer, dataSource)).not.toThrow()
    })
  })

  it("lets a session go once the outer one has given its connection back", () => {
    ownChain(() => undefined).run(() => {
      const outer = member()
      outer.take()
      const inner = member()
      outer.giveBack()
      expect(() => refuseNested(inner.outer, dataSource)).not.toThrow()
      outer.take() // a new connection of the outer session: not the one inner was created under
      expect(() => refuseNested(inner.outer, dataSource)).not.toThrow()
    })
  })

  it("does not refuse a session of another data source, or of a pooled database", () => {
    ownChain(() => undefined).run(() => {
      const outer = member()
      outer.take()
      expect(() => refuseNested(member(otherDataSource).outer, otherDataSource)).not.toThrow()
      const pooled = member()
      pooled.exclusive = false
      pooled.take()
      const inner = member()
      outer.giveBack()
      expect(() => refuseNested(inner.outer, dataSource)).not.toThrow()
    })
  })

  it("does not refuse a session of an independent chain while another chain holds", async () => {
    let holder: Member | undefined
    const chainA = ownChain(() => undefined).run(async () => {
      holder = member()
      holder.take()
      await nap()
      await nap()
    })
    const chainB = ownChain(() => undefined).run(async () => {
      await nap()
      const independent = member()
      expect(holder?.current).toBeDefined()
      expect(() => refuseNested(independent.outer, dataSource)).not.toThrow()
    })
    await Promise.all([chainA, chainB])
  })

  it("keeps a session made by ownChain out of the caller's chain, and in the runner's", async () => {
    await ownChain(() => undefined).run(async () => {
      const made = ownChain(() => member())
      made.value.take()
      expect(() => refuseNested(member().outer, dataSource)).not.toThrow()
      await made.run(async () => {
        await nap()
        expect(() => refuseNested(member().outer, dataSource)).toThrow(SessionStateError)
      })
    })
  })

  it("keeps only sessions that hold a connection, so nested scopes do not grow the chain", async () => {
    const holding = ownChain(() => member())
    holding.value.take()
    const nest = async (depth: number): Promise<void> => {
      if (depth === 0) {
        const last = member()
        expect(last.outer).toHaveLength(1)
        expect(last.outer[0]!.member).toBe(holding.value)
        return
      }
      const scope = ownChain(() => member())
      await scope.run(() => nest(depth - 1))
    }
    await holding.run(() => nest(50))
  })
})
