import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

/** What TypeORM's postgres driver reads from a `pg` query result. */
interface PgResult {
  rows: unknown[];
  rowCount: number;
  command: string;
  fields: Results['fields'];
}

type ConnectCallback = (error: Error | null, client: PGliteClient | null, release: (error?: Error) => void) => void;

/** One checked-out "connection": every query runs on the shared PGlite session while this client holds the lock. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    if (params && params.length > 0) return toPgResult(sql, await this.db.query(sql, params));
    const results = await this.db.exec(sql);
    return toPgResult(sql, results[results.length - 1] ?? { rows: [], fields: [] });
  }
}

function toPgResult(sql: string, result: Results): PgResult {
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, command, fields: result.fields };
}

/**
 * A `pg`-compatible module for TypeORM's postgres driver over one embedded PGlite database.
 *
 * PGlite is a single session, so this pool hands out one client at a time: a transaction holds the
 * session until it is released, and other queries wait instead of slipping into it. Code inside a
 * transaction must therefore use the transaction's EntityManager only.
 */
export function createPGliteDriver(open: () => Promise<PGlite>): { Pool: new () => EventEmitter } {
  let database: Promise<PGlite> | undefined;
  let tail: Promise<void> = Promise.resolve();

  class Pool extends EventEmitter {
    connect(callback: ConnectCallback): void {
      database ??= open();
      let unlock!: () => void;
      const turn = new Promise<void>((resolve) => (unlock = resolve));
      const previous = tail;
      tail = previous.then(() => turn);
      previous
        .then(() => database!)
        .then(
          (db) => {
            let released = false;
            callback(null, new PGliteClient(db), () => {
              if (released) return;
              released = true;
              unlock();
            });
          },
          (error: Error) => {
            unlock();
            callback(error, null, () => undefined);
          },
        );
    }

    end(callback?: (error?: Error) => void): void {
      const opened = database;
      database = undefined;
      const closing = opened ? tail.then(() => opened).then((db) => db.close()) : Promise.resolve();
      closing.then(
        () => callback?.(),
        (error: Error) => callback?.(error),
      );
    }
  }
  return { Pool };
}
