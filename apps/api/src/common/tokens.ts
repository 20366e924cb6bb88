/** Injection tokens for the non-class providers. */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const REDIS = Symbol('REDIS');
export const CASE_CLIENT = Symbol('CASE_CLIENT');
