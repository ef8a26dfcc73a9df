// Behaviour shared by every page. All scripts live in static files: the CSP forbids inline ones.
"use strict";
