import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** 'up', 'down', or a short description of what is wrong. */
export type CheckState = string;

/** A check's state and how long it took to answer. */
export interface TimedCheck {
  state: CheckState;
  ms: number;
}

/** Asks each dependency whether it answers; `/readyz` is 503 while any is down. */
@Injectable()
export class ReadinessService {
  private readonly extraChecks = new Map<string, () => Promise<CheckState>>();

  constructor(private readonly dataSource: DataSource) {}

  /** Lets a feature module add its own check (e.g. models loaded, queue reachable). */
  register(name: string, check: () => Promise<CheckState>): void {
    this.extraChecks.set(name, check);
  }

  async check(): Promise<Record<string, CheckState>> {
    const timed = await this.checkTimed();
    return Object.fromEntries(Object.entries(timed).map(([name, { state }]) => [name, state]));
  }

  /** Every check with the time it took (the database's is its round trip), for GET /system/health. */
  async checkTimed(): Promise<Record<string, TimedCheck>> {
    const checks: Record<string, () => Promise<CheckState>> = {
      database: () => this.databaseState(),
      ...Object.fromEntries(this.extraChecks),
    };
    const entries = await Promise.all(
      Object.entries(checks).map(async ([name, run]) => {
        const started = performance.now();
        const state = await withTimeout(run(), 2000).catch(() => 'down');
        return [name, { state, ms: Math.round((performance.now() - started) * 100) / 100 }];
      }),
    );
    return Object.fromEntries(entries) as Record<string, TimedCheck>;
  }

  private async databaseState(): Promise<CheckState> {
    if (!this.dataSource.isInitialized) return 'down';
    await this.dataSource.query('SELECT 1');
    return 'up';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
