import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

type Callback = () => Promise<void> | void;

/**
 * Work that must wait until a transaction has committed (dropping index entries, removing files), and must not
 * happen at all if it rolls back. Outside a transaction the work runs at once.
 *
 * The callbacks run as part of the commit, before `dataSource.transaction()` returns, while the connection is
 * still held: they must not query the database (on the embedded database that would wait for itself). A failing
 * callback is logged; it cannot undo the commit.
 */
@Injectable()
export class TransactionHooks {
  private readonly logger = new Logger(TransactionHooks.name);
  private readonly pending = new WeakMap<QueryRunner, Callback[]>();

  constructor(dataSource: DataSource) {
    const settle = async (runner: QueryRunner, committed: boolean) => {
      // Nested transactions (savepoints) settle with the outermost one.
      if (runner.isTransactionActive) return;
      const callbacks = this.pending.get(runner);
      if (!callbacks) return;
      this.pending.delete(runner);
      if (!committed) return;
      for (const callback of callbacks) {
        try {
          await callback();
        } catch (error) {
          this.logger.error('After-commit work failed', error instanceof Error ? error.stack : String(error));
        }
      }
    };
    dataSource.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => settle(queryRunner, true),
      afterTransactionRollback: ({ queryRunner }) => settle(queryRunner, false),
    });
  }

  /** Runs `callback` once `manager`'s transaction has committed (in order of registration), or now outside one. */
  async afterCommit(manager: EntityManager, callback: Callback): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      await callback();
      return;
    }
    const callbacks = this.pending.get(runner) ?? [];
    callbacks.push(callback);
    this.pending.set(runner, callbacks);
  }
}
