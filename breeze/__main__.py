from breeze.cli.app import main

raise SystemExit(main())
