#!/usr/bin/env node
console.log('guard-clean ran');
