// GraphiQL at /graphql, bundled with React so that it works without any CDN; it opens with the
// README's eight questions as tabs.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import React from "react";
import { createRoot } from "react-dom/client";
import examples from "./examples.gen.json";

const fetcher = createGraphiQLFetcher({ url: window.location.pathname });
const tabs = (examples as { title: string; query: string }[]).map((e) => ({ query: e.query }));

createRoot(document.getElementById("graphiql") as HTMLElement).render(
  <GraphiQL fetcher={fetcher} defaultTabs={tabs} defaultEditorToolsVisibility={false} />,
);
