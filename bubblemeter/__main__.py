from bubblemeter.cli import main

raise SystemExit(main())
