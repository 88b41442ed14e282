import { describeCanaryFaults } from './canary-faults.js';

describeCanaryFaults('SIGKILL');
