import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from './optional.js';

/**
 * Last page a list may be asked for. Without it `page=1e20` is an integer whose OFFSET overflows PostgreSQL's
 * bigint (a 500); with it the OFFSET stays under 1,000,000 rows, deeper than anyone pages by hand (narrow a
 * list with its filters instead) and shallow enough that the database skips it quickly.
 */
export const MAX_PAGE = 10_000;

export class PageQuery {
  /** Page number, from 1. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  /** Results per page, at most 100. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  page_size: number = 20;
}

/**
 * What a service returns for a list; the pagination interceptor turns it into a `Page` with links. `extra`
 * (such as `facets`) is added to the response beside `count`, `next`, `previous` and `results`.
 */
export class PageOf<T> {
  constructor(
    readonly results: T[],
    readonly count: number,
    readonly query: PageQuery,
    readonly extra: Record<string, unknown> = {},
  ) {}

  map<U>(mapper: (item: T) => U): PageOf<U> {
    return new PageOf(this.results.map(mapper), this.count, this.query, this.extra);
  }

  static skipTake(query: PageQuery): { skip: number; take: number } {
    return { skip: (query.page - 1) * query.page_size, take: query.page_size };
  }
}

/** The shape of every list response. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Builds a page with `next`/`previous` links that keep the caller's other query parameters. */
export function toPage<T>(originalUrl: string, page: PageOf<T>): Page<T> & Record<string, unknown> {
  const { query, count } = page;
  const link = (number: number) => {
    const url = new URL(originalUrl, 'http://local');
    url.searchParams.set('page', String(number));
    url.searchParams.set('page_size', String(query.page_size));
    return `${url.pathname}${url.search}`;
  };
  const lastPage = Math.max(1, Math.ceil(count / query.page_size));
  return {
    ...page.extra,
    count,
    next: query.page < lastPage ? link(query.page + 1) : null,
    previous: query.page > 1 ? link(Math.min(query.page - 1, lastPage)) : null,
    results: page.results,
  };
}
