import type { WeftConfig } from '../config/schema.js';
import type { IngestWriter } from '../ingest/ingest-writer.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/types.js';
import type { AccessAuditor } from './access-audit.js';
import type { ApiKeyService } from './auth/api-keys.js';
import type { LoginThrottle } from './auth/throttle.js';
import type { TokenService } from './auth/tokens.js';
import type { FieldCipher } from './field-cipher.js';
import type { ServerMetrics } from './metrics.js';
import type { RuleHits } from './rule-hits.js';
import type { SourceRates } from './source-rates.js';

/** Everything route handlers use, built once by buildServer. */
export interface ServerContext {
  config: WeftConfig;
  store: Store;
  logger: Logger;
  tokens: TokenService;
  apiKeys: ApiKeyService;
  throttle: LoginThrottle;
  auditor: AccessAuditor;
  metrics: ServerMetrics;
  writer: IngestWriter;
  cipher: FieldCipher;
  rates: SourceRates;
  hits: RuleHits;
  /** Per source, how far live correlation sees it behind the newest event time, ms; set once the alerting consumer runs. */
  correlationLag?: () => ReadonlyMap<string, number>;
  /** Readiness beyond the store: rules loaded, consumers running. */
  readiness: () => { ready: boolean; reasons: string[] };
}
