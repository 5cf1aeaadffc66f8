from ksmcode.cli import main

main()
