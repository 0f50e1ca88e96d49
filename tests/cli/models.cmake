# The model side of the program (issue 19), included by tests/CMakeLists.txt: `adma models`,
# the model flags of `adma train` and `adma experiment` (exit status and message, through
# tests/cli/expect.sh, before any data is read), and the end-to-end program tests of
# tests/test_model_program.cpp (ctest -R 'cli\.(models|train_model|experiment_ablation)|model_program').
set(_M $<TARGET_FILE:adma>)
set(_CPU --device cpu --epochs 1)

adma_cli_test(models_table 0 "convnet +298,858 +7 .*resnet34 +21,289,802 +37 .*resnet18 +11,181,642 +21 .*--activation = elu.*--pool-stride = 0.*--input-size = 32"
              -- ${_M} models)
adma_cli_test(help_train_model_flags 0 "--model TEXT=convnet.*--activation .*--dropout LIST.*--batchnorm on\\|off.*--input-size VALUE +model option \\(resnet34, resnet18: default 32\\): side the images are resized to.*49x the work.*--weights.*--train-top.*--train-only"
              -- ${_M} train --help)
adma_cli_test(train_model_unknown 2 "^adma: error: --model: unknown model 'vgg16' \\(one of: convnet, resnet34, resnet18\\)$<SEMICOLON> see adma models"
              -- ${_M} train ${_CPU} --model vgg16)
adma_cli_test(train_model_bad_activation 2 "^adma: error: --activation swish: model 'convnet': activation must be elu, relu, leaky-relu\\[:alpha\\] or maxout\\[:pieces\\], got 'swish'"
              -- ${_M} train ${_CPU} --activation swish)
adma_cli_test(train_model_bad_leaky_slope 2 "--activation leaky-relu:x: model 'convnet': alpha must be a number, got 'x'"
              -- ${_M} train ${_CPU} --activation leaky-relu:x)
adma_cli_test(train_model_bad_maxout 2 "--activation maxout:0: .*pieces must be >= 1, got 0"
              -- ${_M} train ${_CPU} --activation maxout:0)
adma_cli_test(train_model_bad_dropout 2 "--dropout 0.1,0.2: .*3 blocks of filters \\(32/64/128\\) but 2 dropout rates"
              -- ${_M} train ${_CPU} --dropout 0.1,0.2)
adma_cli_test(train_model_bad_batchnorm 2 "--batchnorm maybe: .*batchnorm"
              -- ${_M} train ${_CPU} --batchnorm maybe)
adma_cli_test(train_model_even_kernel 2 "--kernel 4: .*kernel must be odd" -- ${_M} train ${_CPU} --kernel 4)
adma_cli_test(train_model_option_of_other_model 2 "^adma: error: --dropout is an option of convnet, not of resnet34 \\(see adma models\\)"
              -- ${_M} train ${_CPU} --model resnet34 --dropout 0.5)
adma_cli_test(train_model_input_size_zero 2 "--input-size 0: model 'resnet34': input_size must be >= 1, got 0"
              -- ${_M} train ${_CPU} --model resnet34 --input-size 0)
adma_cli_test(train_model_pool_stride_too_big 2 "--pool-stride 9 on fashion-mnist's 1x28x28 images:"
              -- ${_M} train ${_CPU} --pool-stride 9)
adma_cli_test(train_model_weights_missing 2 "^adma: error: --weights: '/nonexistent/r34.safetensors' is not a file"
              -- ${_M} train ${_CPU} --model resnet34 --weights /nonexistent/r34.safetensors)
adma_cli_test(train_model_top_too_many 2 "^adma: error: --train-top 38: resnet34 has 37 parameterised layers"
              -- ${_M} train ${_CPU} --model resnet34 --train-top 38)
adma_cli_test(train_model_top_not_a_number 2 "--train-top" -- ${_M} train ${_CPU} --train-top five)
adma_cli_test(train_model_only_matches_nothing 2 "^adma: error: --train-only: train_only: pattern 'layer9\\.\\*' matches no parameter"
              -- ${_M} train ${_CPU} --model resnet18 --train-only "layer9.*,fc.*")
adma_cli_test(train_model_top_and_only 2 "--train-top and --train-only exclude each other"
              -- ${_M} train ${_CPU} --train-top 2 --train-only "dense.*")

# experiment: the ablations' plan (printed, nothing trained), its refusals, and a ResNet experiment's defaults.
adma_cli_test(experiment_ablation_plan 0 "32 runs: 0 finished, 32 to do.*--activation maxout .*--loss mse .*--seed 2 --out [^ ]*/activation/maxout/runs/fashion-mnist/mse/seed-2"
              -- ${_M} experiment --ablation activation --iterations 2 --epochs 1 --print-commands --out ${CMAKE_CURRENT_BINARY_DIR}/ablation-plan)
adma_cli_test(experiment_ablation_variants 0 "2 runs: .*--dropout 0/0.1/0.2 .*--dropout 0.5 "
              -- ${_M} experiment --ablation dropout --variants 0/0.1/0.2,0.5 --losses adma --epochs 1 --print-commands --out ${CMAKE_CURRENT_BINARY_DIR}/ablation-variants)
adma_cli_test(experiment_ablation_stride_is_pool_stride 0 "--pool-stride 1 "
              -- ${_M} experiment --ablation stride --losses cce --epochs 1 --print-commands --out ${CMAKE_CURRENT_BINARY_DIR}/ablation-stride)
adma_cli_test(experiment_ablation_unknown 2 "^adma: error: --ablation: unknown study 'width' \\(one of: activation, dropout, kernel, stride\\)"
              -- ${_M} experiment --ablation width --print-commands)
adma_cli_test(experiment_ablation_option_given 2 "^adma: error: --kernel: --ablation kernel varies it"
              -- ${_M} experiment --ablation kernel --kernel 5 --print-commands)
adma_cli_test(experiment_ablation_bad_variant 2 "--ablation activation, activation=tanh: .*activation must be"
              -- ${_M} experiment --ablation activation --variants elu,tanh --print-commands --out ${CMAKE_CURRENT_BINARY_DIR}/ablation-bad)
adma_cli_test(experiment_ablation_not_convnet 2 "--ablation: the ablations are the ConvNet's$<SEMICOLON> --model is resnet34"
              -- ${_M} experiment --ablation kernel --model resnet34 --print-commands)
adma_cli_test(experiment_resnet_defaults 0 "16 runs: .*--dataset mnist --model resnet34 --weights /elsewhere/r34.safetensors --train-top 5 .*--dataset cifar100 --model resnet34 .*--out experiments/resnet34-table1/runs/cifar100/"
              -- ${_M} experiment --model resnet34 --weights /elsewhere/r34.safetensors --epochs 1 --print-commands)

# End to end on a tiny folder: model options through evaluate, a ResNet from weights, mismatched weights, an ablation.
add_executable(test_model_program test_model_program.cpp)
target_link_libraries(test_model_program PRIVATE adma_lib adma_app GTest::gtest GTest::gtest_main)
target_include_directories(test_model_program PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(test_model_program PRIVATE ADMA_EXE="$<TARGET_FILE:adma>")
add_dependencies(test_model_program adma)
gtest_discover_tests(test_model_program TEST_PREFIX model_program. NO_PRETTY_VALUES
                     PROPERTIES LABELS cpu TIMEOUT 300 DISCOVERY_TIMEOUT 60)
