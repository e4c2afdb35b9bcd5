import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { PageOf, type PageQuery } from './pagination.js';

const TOTAL = 'page_and_count_total';

/**
 * One page of `builder`'s rows and how many rows match in all, in one query: `count(*) OVER ()` rides along with
 * every row of the page, where TypeORM's getManyAndCount sends a second COUNT query (on PostgreSQL each query is a
 * round trip whose socket write was the largest cost of a list request in the profile). Only for queries whose
 * joins do not multiply rows (one row per entity: the window counts rows). A page past the end has no row to
 * carry the count, so it costs the COUNT query after all.
 */
export async function findPageAndCount<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  query: PageQuery,
): Promise<[T[], number]> {
  const { entities, count } = await findPageRows(builder, query);
  return [entities, count];
}

/** `findPageAndCount` with the page's raw rows too (in the entities' order), for columns selected besides them. */
export async function findPageRows<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  query: PageQuery,
): Promise<{ entities: T[]; raw: Record<string, unknown>[]; count: number }> {
  const { skip, take } = PageOf.skipTake(query);
  const { entities, raw } = await builder
    .clone()
    .addSelect('count(*) OVER ()', TOTAL)
    .offset(skip)
    .limit(take)
    .getRawAndEntities<Record<string, unknown>>();
  if (raw.length > 0) return { entities, raw, count: Number(raw[0][TOTAL]) };
  return { entities, raw, count: skip === 0 ? 0 : await builder.getCount() };
}
