// End-user name screening and the catch-all screening aid. Pure: no I/O, no clock, no randomness.
export {
  normalizeName,
  normalizedTokens,
  compactName,
  tokenize,
  foldHan,
  foldKana,
  cjkBigrams,
  isCjkChar,
  isCjkToken,
  HAN_VARIANTS,
} from './normalize';
export {
  similarity,
  bestMatch,
  screenName,
  compileNameRecords,
  screenCompiled,
  osaDistance,
  stringSimilarity,
  MATCH_THRESHOLD,
  COUNTRY_MISMATCH_FACTOR,
  MIN_FUZZY_LENGTH,
} from './match';
export type { NameRecord, NameMatch, ScreeningHit, CompiledRecord } from './match';
export {
  screenCatchAll,
  isDestinationGroup,
  normalizeHsCode,
  matchSpecifiedItem,
  normalizeRedFlagCode,
  DESTINATION_GROUPS,
  RED_FLAGS,
  SPECIFIED_ITEMS,
  CATCH_ALL_DATA,
} from './catch-all';
export type {
  DestinationGroup,
  RedFlag,
  SpecifiedItem,
  CatchAllItem,
  CatchAllInput,
  CatchAllData,
  CatchAllTraceEntry,
  CatchAllResult,
  TraceAnswer,
} from './catch-all';
