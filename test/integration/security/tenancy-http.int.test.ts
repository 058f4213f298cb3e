import { freshHttpStore } from '../../support/store.ts';
import { defineTenancySuite } from '../../support/tenancy-suite.ts';

// The `clickhouse` store adapter (`@clickhouse/client` over HTTP): against the configured
// server, or against the engine behind a loopback ClickHouse HTTP front (no Docker here).
await defineTenancySuite(freshHttpStore);
