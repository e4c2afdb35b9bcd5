import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { SelectQueryBuilder } from 'typeorm';
import { Optional } from './optional.js';

/**
 * The `ordering` values of a list: each field ascending, and with a leading `-` descending (`-created_at`). Every
 * list query declares its own with `@IsIn(orderingsOf([...]))` and an `enumName`, so clients see the fields.
 */
export function orderingsOf<const F extends string>(fields: readonly F[]): (F | `-${F}`)[] {
  return [...fields, ...fields.map((field) => `-${field}` as const)];
}

/** The field and direction an `ordering` value names. */
export function parseOrdering<F extends string>(ordering: F | `-${F}`): { field: F; direction: 'ASC' | 'DESC' } {
  return ordering.startsWith('-')
    ? { field: ordering.slice(1) as F, direction: 'DESC' }
    : { field: ordering as F, direction: 'ASC' };
}

/** A TypeORM `order` for `find`: the asked field (by its entity property), then `id` the same way for stable pages. */
export function findOrder<F extends string>(
  ordering: F | `-${F}`,
  properties: Record<F, string>,
): Record<string, 'ASC' | 'DESC'> {
  const { field, direction } = parseOrdering(ordering);
  return { [properties[field]]: direction, id: direction };
}

/** Orders a query builder by the asked field (SQL expressions by field), then by `idColumn` for stable pages. */
export function orderQuery<F extends string, T extends object>(
  builder: SelectQueryBuilder<T>,
  ordering: F | `-${F}`,
  expressions: Record<F, string>,
  idColumn: string,
): SelectQueryBuilder<T> {
  const { field, direction } = parseOrdering(ordering);
  return builder.orderBy(expressions[field], direction, 'NULLS LAST').addOrderBy(idColumn, direction);
}

/**
 * The `ordering` query parameter of a list: one of `values` (see `orderingsOf`), documented as the enum
 * `enumName` with its default. Put it on a `PageQuery` subclass with the default as the initial value.
 */
export function OrderingParam(values: readonly string[], enumName: string, defaultValue: string) {
  return applyDecorators(
    ApiPropertyOptional({
      enum: values,
      enumName,
      default: defaultValue,
      description: 'Sort field; a leading `-` sorts descending. Ties are broken by id.',
    }),
    Optional(),
    IsIn(values),
  );
}
