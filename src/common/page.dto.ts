import { type Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** Swagger schema of a list response whose `results` are `item`s. */
export function PageDto<T>(item: Type<T>) {
  class PageOfItems {
    @ApiProperty({ type: 'integer' })
    count: number;

    @ApiProperty({ type: String, nullable: true, example: null })
    next: string | null;

    @ApiProperty({ type: String, nullable: true, example: null })
    previous: string | null;

    @ApiProperty({ type: [item] })
    results: T[];
  }
  Object.defineProperty(PageOfItems, 'name', { value: `${item.name.replace(/Dto$/, '')}PageDto` });
  return PageOfItems;
}
