// The eight questions of the README, as GraphiQL's opening tabs: read from README.md at build
// time so that the page and the README (whose examples the tests run) cannot drift apart.
import { readFileSync, writeFileSync } from "node:fs";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const section = readme.split("## Questions you can ask")[1].split(/\n## /)[0];
const examples = [];
for (const part of section.split(/\n### /).slice(1)) {
  const title = part.split("\n")[0].trim();
  const block = part.match(/```graphql\n([\s\S]*?)```/);
  if (!block) continue;
  // An operation name, so that each tab is titled: "2. Partner network: ..." -> PartnerNetwork.
  const name = title
    .replace(/^\d+\.\s*/, "")
    .split(":")[0]
    .replace(/(^|\s+)(\w)/g, (_, __, c) => c.toUpperCase());
  const query = block[1].replace(/^\{/, `query ${name} {`);
  examples.push({ title, query: `# ${title}\n${query}` });
}
if (examples.length !== 8) throw new Error(`expected the README's 8 questions, found ${examples.length}`);
writeFileSync(new URL("./src/examples.gen.json", import.meta.url), JSON.stringify(examples, null, 1));
