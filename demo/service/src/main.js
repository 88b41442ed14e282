import { readFileSync } from 'node:fs';
import { createService } from './server.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const port = Number(process.env.PORT ?? 8080);

createService({ version }).listen(port, () => {
  console.log(`demo-service ${version} listening on port ${port}`);
});
