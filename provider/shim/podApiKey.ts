/**
 * The PodApiKey dynamic provider as Pulumi serializes it: a shim.
 *
 * Pulumi stores the serialized provider in the state of every resource (twice) and runs it in its
 * provider host. Two things keep that text small and free of secrets:
 * - This object is the whole `module.exports` of a module the package exports by its file path
 *   (`pulumi-agentmail/dist/provider/shim/podApiKey.js`, see package.json `exports`). When the package
 *   is installed in node_modules, Pulumi's serializer recognizes the module and writes a `require` of
 *   it instead of the code. (A linked or local copy is serialized by value: the functions below.)
 * - Each method only loads the installed implementation (`pulumi-agentmail/runtime`) when it runs and
 *   delegates to it: nothing is captured, no credential is read here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { loadRuntime } from "./load";

const provider: pulumi.dynamic.ResourceProvider = {
  configure: function (req) {
    return loadRuntime().configure(req.config);
  },
  check: function (olds, news) {
    return loadRuntime().podApiKey.check(olds, news);
  },
  diff: function (id, olds, news) {
    return loadRuntime().podApiKey.diff(id, olds, news);
  },
  create: function (inputs) {
    return loadRuntime().podApiKey.create(inputs);
  },
  read: function (id, props) {
    return loadRuntime().podApiKey.read(id, props);
  },
  update: function (id, olds, news) {
    return loadRuntime().podApiKey.update(id, olds, news);
  },
  delete: function (id, props) {
    return loadRuntime().podApiKey.delete(id, props);
  },
};

export = provider;
