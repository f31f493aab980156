#!/usr/bin/env node
console.log("ds-lib cli");
