import type { FindOptionsWhere, Repository } from 'typeorm';
import { ApiError } from './api-error.js';

/**
 * The row `id` of `repository` if it belongs to `organizationId`; otherwise 404 named after `entity`. Another
 * organisation's id and an unknown id answer the same, so ids never reveal what other tenants hold.
 */
export async function findInOrganization<T extends { id: string; organizationId: string }>(
  repository: Repository<T>,
  organizationId: string,
  id: string,
  entity: string,
): Promise<T> {
  const row = await repository.findOneBy({ id, organizationId } as FindOptionsWhere<T>);
  if (!row) throw ApiError.notFound(entity);
  return row;
}
