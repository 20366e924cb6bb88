export * from './audit';
export * from './data-source';
export * from './projection';
export * from './seed';
export * from './seed-data';
