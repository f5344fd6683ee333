"""`breeze tests`: the project's pytest suite, DAG integrity, real DAG runs and static checks, run in
the CI image inside a compose project of their own."""
