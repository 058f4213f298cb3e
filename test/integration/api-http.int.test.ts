import { freshHttpStore } from '../support/store.ts';
import { defineApiSuite } from '../support/api-suite.ts';

// The `clickhouse` store adapter (`@clickhouse/client` over HTTP): against the configured
// server, or against the engine behind a loopback ClickHouse HTTP front (no Docker here).
defineApiSuite(freshHttpStore);
