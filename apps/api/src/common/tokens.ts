/** Injection tokens for the non-class providers. */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
/** Lists and queue pages: a read replica when DATABASE_READ_URL is set, else the primary. */
export const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');
export const REDIS = Symbol('REDIS');
export const CASE_CLIENT = Symbol('CASE_CLIENT');
