// The Dockerfiles against the contract, the build context (.dockerignore) and the documented build commands.
// Returns what it verified or throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { expect, HTTP_PORT, IMAGE, LIVE_PATH } from "./contract.mjs";

function instructions(path) {
  return DockerfileParser.parse(readFileSync(path, "utf8")).getInstructions();
}

// Simplified .dockerignore matching for the one layout used here: "**" excludes everything, then literal "!path"
// lines bring single files back. Anything else in the file is refused rather than interpreted.
function contextFiles(repositoryRoot) {
  const lines = readFileSync(join(repositoryRoot, ".dockerignore"), "utf8").split("\n")
    .map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"));
  expect(lines[0] === "**", ".dockerignore must start with ** (send nothing but the files named after it)");
  const included = lines.slice(1);
  expect(included.every((line) => line.startsWith("!") && !/[*?[]/.test(line)),
    ".dockerignore: after ** only literal !path lines are supported by this check");
  return new Set(included.map((line) => line.slice(1)));
}

export function checkDockerfiles(repositoryRoot) {
  const context = contextFiles(repositoryRoot);
  const verified = [];
  for (const [file, image] of [["Dockerfile", IMAGE.cpu], ["Dockerfile.cuda", IMAGE.cuda]]) {
    const path = join(repositoryRoot, "deploy/docker", file);
    const all = instructions(path);
    const keyword = (name) => all.filter((instruction) => instruction.getKeyword() === name);
    const copied = keyword("COPY").filter((copy) => !copy.getFromFlag())
      .flatMap((copy) => copy.getArguments().slice(0, -1).map((argument) => argument.getValue()));
    for (const source of copied) {
      expect(context.has(source), `${file}: COPY ${source} is excluded from the build context by .dockerignore`);
    }
    expect(copied.includes("topology/target/streamlate-all.jar"), `${file}: must copy topology/target/streamlate-all.jar`);
    expect(keyword("EXPOSE").some((expose) => expose.getArguments().some((argument) => argument.getValue() === String(HTTP_PORT))),
      `${file}: must EXPOSE ${HTTP_PORT}`);
    expect(keyword("HEALTHCHECK").some((check) => check.getTextContent().includes(LIVE_PATH)), `${file}: HEALTHCHECK must GET ${LIVE_PATH}`);
    expect(keyword("USER").length > 0, `${file}: must switch to a non-root USER`);
    const header = readFileSync(path, "utf8");
    expect(header.includes(`docker build -f deploy/docker/${file} -t ${image} .`),
      `${file}: its documented build command must tag ${image}`);
    verified.push(`${file}: copies only context files (${copied.length}), EXPOSE ${HTTP_PORT}, HEALTHCHECK ${LIVE_PATH}, non-root, tagged ${image}`);
  }
  const readme = readFileSync(join(repositoryRoot, "deploy/README.md"), "utf8");
  for (const [file, image] of [["Dockerfile", IMAGE.cpu], ["Dockerfile.cuda", IMAGE.cuda]]) {
    expect(readme.includes(`docker build -f deploy/docker/${file} -t ${image} .`), `deploy/README.md: must document building ${image} from ${file}`);
  }
  return verified;
}
