import { FakeUpstream } from './test/support/fake-upstream.ts';
import { variedAnswers } from './test/support/varied-upstream.ts';
import { ANSWERS } from './test/support/sweep-fixture.ts';
const up = await new FakeUpstream().start();
up.handler = variedAnswers("You are GeoBot, a terse geography tutor.", ANSWERS);
console.log(up.url);
setTimeout(() => process.exit(0), 120_000);
