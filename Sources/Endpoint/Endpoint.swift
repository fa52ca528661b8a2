// The 3DP-1 endpoint (DESIGN.md §4): JSON-RPC 2.0 with the dwapiversion member, pairing, methods.
