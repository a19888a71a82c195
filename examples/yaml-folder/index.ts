// Every segment is a YAML file under segments/, reviewed in pull requests; this line turns them into resources.
import { join } from "node:path";
import { loadSegments } from "pulumi-segments";

loadSegments(join(__dirname, "segments"));
