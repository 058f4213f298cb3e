import { freshStore } from '../support/store.ts';
import { defineApiSuite } from '../support/api-suite.ts';

// The embedded engine (chdb), or the server named by CLICKHOUSE_URL / testcontainers.
defineApiSuite(freshStore);
