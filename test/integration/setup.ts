import { silenceKafkajsTimeoutWarning } from '../../src/shared/index.js';

// The tests' own kafkajs admin/producer clients: same harmless warning as in sift.
silenceKafkajsTimeoutWarning();
